// The production build's content scripts carry no key, token or key-store code (DESIGN.md §1):
// the markers of that code (tools/boundary.mjs) are looked for in every content script, and, so the
// markers are known to mean something, found in the worker's bundle, which does hold that code.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { BUNDLE_MARKERS, bundleMarkers, scanContentScripts } from '../../tools/boundary.mjs';
import { EXTENSION_DIR as output } from '../helpers/browser';

test('the built content scripts carry no key, token or key-store code', () => {
  const { files, found } = scanContentScripts(output);
  expect(files).toEqual(['discord.js', 'telegram.js', 'whatsapp.js']);
  expect(found).toEqual([]);
  // The manifest runs exactly these scripts on the chat sites, and nothing from chunks/ beside them.
  const manifest = JSON.parse(fs.readFileSync(path.join(output, 'manifest.json'), 'utf8')) as { content_scripts?: { js?: string[] }[] };
  const injected = (manifest.content_scripts ?? []).flatMap((c) => c.js ?? []).sort();
  expect(injected).toEqual(files.map((f) => `content-scripts/${f}`));
});

test('the markers are real: the worker bundle, which holds the key code, has them', () => {
  const worker = fs.readFileSync(path.join(output, 'background.js'), 'utf8');
  const found = bundleMarkers(worker);
  for (const marker of ['AGE-SECRET-KEY', 'scrypt', 'HKDF', 'launchWebAuthFlow(', 'access_token', 'indexedDB']) expect(found).toContain(marker);
  expect(found.length).toBeGreaterThan(BUNDLE_MARKERS.length / 2);
});
