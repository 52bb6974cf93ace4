// Bundles the chatseal CLI (src/cli/main.ts and everything it imports from src/) into one ESM file
// for Node: dist-cli/chatseal.mjs. bin/chatseal.mjs runs it (and calls this first when it is missing).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the CLI; `outfile` lets tests build a private copy instead of dist-cli/chatseal.mjs. */
export async function buildCli({ quiet = false, outfile = join(root, 'dist-cli', 'chatseal.mjs') } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    absWorkingDir: root,
    write: false,
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // Some dependencies are CommonJS and call require(); an ESM bundle has none of its own.
    banner: { js: "import { createRequire as __chatsealCreateRequire } from 'node:module';\nconst require = __chatsealCreateRequire(import.meta.url);" },
    define: { __CHATSEAL_VERSION__: JSON.stringify(pkg.version) },
    logLevel: quiet ? 'error' : 'warning',
  });
  // Written beside the target and renamed: two commands launched at once on a fresh checkout may
  // both build, and neither may import a half-written bundle.
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    await writeFile(temp, file.contents);
    await rename(temp, file.path);
  }
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await buildCli();
  console.log(`built ${outfile}`);
}
