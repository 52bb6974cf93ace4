// Builds the bench's two bundles into bench/out: node-op.mjs (the CLI's modules, for Node rows)
// and sw-ext/ (a bench-only MV3 extension whose service worker runs the same src/backup modules).
// Imported by bench/crypto.mjs; `node bench/build.mjs` builds them alone, for running
// bench/sw-run.mjs or bench/out/node-op.mjs by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const out = join(here, 'out');

export async function buildBundles() {
  mkdirSync(join(out, 'sw-ext'), { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [join(here, 'src/node-op.ts')],
    outfile: join(out, 'node-op.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  await build({
    absWorkingDir: root,
    entryPoints: [join(here, 'src/sw.ts')],
    outfile: join(out, 'sw-ext', 'sw.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    logLevel: 'warning',
  });
  writeFileSync(
    join(out, 'sw-ext', 'manifest.json'),
    JSON.stringify(
      {
        manifest_version: 3,
        name: 'ChatSeal crypto bench',
        version: '0.0.1',
        description: 'Bench-only: src/backup in an MV3 service worker. Not the ChatSeal extension.',
        background: { service_worker: 'sw.js', type: 'module' },
        host_permissions: ['http://127.0.0.1/*'],
      },
      null,
      2,
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBundles();
