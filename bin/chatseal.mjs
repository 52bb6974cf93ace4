#!/usr/bin/env node
// Launcher for the chatseal CLI. The CLI itself is TypeScript under src/cli, bundled into
// dist-cli/chatseal.mjs; inside a fresh checkout (after `npm ci`) that bundle does not exist yet,
// so build it on first use. The bundle runs the command when imported.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist-cli', 'chatseal.mjs');

if (!existsSync(bundle)) {
  const { buildCli } = await import(pathToFileURL(join(root, 'tools', 'build-cli.mjs')).href);
  await buildCli({ quiet: true });
}
await import(pathToFileURL(bundle).href);
