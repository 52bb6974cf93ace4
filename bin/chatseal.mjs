#!/usr/bin/env node
// Launcher for the chatseal CLI. The CLI itself is TypeScript under src/cli, bundled into
// dist-cli/chatseal.mjs; inside a fresh checkout (after `npm ci`) that bundle does not exist yet,
// so build it on first use, and again when a source file changed since. The bundle runs the command
// when imported.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist-cli', 'chatseal.mjs');
const sources = join(root, 'src');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(bundle) || (existsSync(sources) && newestMtime(sources) > statSync(bundle).mtimeMs);
if (stale) {
  const { buildCli } = await import(pathToFileURL(join(root, 'tools', 'build-cli.mjs')).href);
  await buildCli({ quiet: true });
}
await import(pathToFileURL(bundle).href);
