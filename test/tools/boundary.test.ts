import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_MARKERS, bundleMarkers, importViolations, scanContentScripts, sourceFiles, valueImports } from '../../tools/boundary.mjs';

const root = path.resolve(__dirname, '../..');
const contentEntries = () => fs.readdirSync(path.join(root, 'entrypoints')).filter((f) => f.endsWith('.content.ts')).map((f) => path.join(root, 'entrypoints', f));

let tmp: string | null = null;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = null;
});

/** A small src/ tree in a temporary folder. */
function tree(files: Record<string, string>): string {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-boundary-'));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(tmp, 'src', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return path.join(tmp, 'src');
}

describe('content-script boundary in the source (DESIGN.md §1)', () => {
  it('nothing reachable from src/capture/ or a content script imports crypto/, store/, keys/, backup/, drive/ or a key package', () => {
    const entries = [...sourceFiles(path.join(root, 'src/capture')), ...contentEntries()];
    expect(contentEntries().length).toBeGreaterThanOrEqual(3);
    expect(entries.length).toBeGreaterThan(15);
    expect(importViolations({ srcDir: path.join(root, 'src'), entries })).toEqual([]);
  });

  it('fails on a forbidden module reached through a chain, and names the chain', () => {
    const src = tree({
      'capture/engine.ts': "import { helper } from './helper';\nexport const x = helper;\n",
      'capture/helper.ts': "import { wipe } from '../ui/util';\nexport const helper = wipe;\n",
      'ui/util.ts': "export { wipe } from '../crypto/bytes';\n",
      'crypto/bytes.ts': 'export const wipe = 1;\n',
    });
    const found = importViolations({ srcDir: src, entries: [path.join(src, 'capture/engine.ts')] });
    expect(found).toEqual([
      { chain: ['src/capture/engine.ts', 'src/capture/helper.ts', 'src/ui/util.ts', 'src/crypto/bytes.ts'], specifier: '../crypto/bytes', reason: 'src/crypto/' },
    ]);
  });

  it('fails on key packages and on imports it cannot follow; type-only imports leave no code and pass', () => {
    const src = tree({
      'capture/a.ts': [
        "import type { Settings } from '../store/settings';",
        "import { type KeyType } from '../crypto/keys';",
        "export type { Thing } from '../drive/client';",
        "import { openDB } from 'idb';",
        "import { x25519 } from '@noble/curves/ed25519';",
        "import { missing } from './nowhere';",
        "const lazy = () => import('../keys/service');",
        'export const use = [openDB, x25519, missing, lazy];',
      ].join('\n'),
      'store/settings.ts': 'export type Settings = {};\n',
      'crypto/keys.ts': 'export type KeyType = string;\n',
      'keys/service.ts': 'export const s = 1;\n',
    });
    const found = importViolations({ srcDir: src, entries: [path.join(src, 'capture/a.ts')] });
    expect(found.map((v) => [v.specifier, v.reason])).toEqual([
      ['idb', 'package idb'],
      ['@noble/curves/ed25519', 'package @noble/'],
      ['./nowhere', 'cannot be resolved (so it cannot be checked)'],
      ['../keys/service', 'src/keys/'],
    ]);
  });

  it('reads value imports the way TypeScript emits them', () => {
    expect(
      valueImports(
        'x.ts',
        "import a from './a';\nimport type b from './b';\nimport { type c, d } from './c';\nimport './side-effect';\nexport * from './e';\nexport { type f } from './f';",
      ),
    ).toEqual(['./a', './c', './side-effect', './e']);
  });
});

describe('content-script boundary in the build', () => {
  it('finds a planted marker of key code in a bundle, and none in harmless text', () => {
    expect(bundleMarkers('var a="hello";function b(){return document.querySelector("[data-id]")}')).toEqual([]);
    expect(bundleMarkers('var k="AGE-SECRET-KEY-PQ-1"+x;')).toEqual(['AGE-SECRET-KEY']);
    expect(bundleMarkers('crypto.subtle.deriveKey({name:"HKDF",salt:s,info:i},k)')).toEqual(['HKDF']);
    expect(bundleMarkers('chrome.identity.launchWebAuthFlow({url:u});t.access_token')).toEqual(['launchWebAuthFlow(', 'access_token']);
    // The polyfill's API table names it in every bundle; only a call is auth code.
    expect(bundleMarkers('identity:{launchWebAuthFlow:{minArgs:1,maxArgs:1}}')).toEqual([]);
    expect(bundleMarkers('const r=indexedDB.open("chatseal",2)')).toEqual(['indexedDB']);
    expect(BUNDLE_MARKERS).toEqual(expect.arrayContaining(['AGE-SECRET-KEY', 'scrypt', 'launchWebAuthFlow(', 'access_token', 'HKDF', 'indexedDB']));
  });

  it('scans every content script of a build folder, and refuses a folder without any', () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-build-'));
    expect(() => scanContentScripts(tmp!)).toThrow(/no content scripts/);
    fs.mkdirSync(path.join(tmp, 'content-scripts'));
    fs.writeFileSync(path.join(tmp, 'content-scripts', 'whatsapp.js'), 'console.log("capture")');
    fs.writeFileSync(path.join(tmp, 'content-scripts', 'discord.js'), 'const f={type:"scrypt",N:1<<18}');
    expect(scanContentScripts(tmp)).toEqual({ files: ['discord.js', 'whatsapp.js'], found: [{ file: 'discord.js', marker: 'scrypt' }] });
  });
});
