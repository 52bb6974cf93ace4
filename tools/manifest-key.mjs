// The manifest `key` is for unpacked and development builds only (a fixed extension id, so the
// Google OAuth redirect URL stays the same wherever the build is loaded); the stores reject a
// package that carries one. `wxt zip` calls this on the built folder just before zipping it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes `key` from <outDir>/manifest.json; true when there was one. */
export async function stripManifestKey(outDir) {
  const file = join(outDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  if (!('key' in manifest)) return false;
  delete manifest.key;
  await writeFile(file, JSON.stringify(manifest));
  return true;
}
