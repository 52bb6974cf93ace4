// Issue 2, Done when 5 (the e2e half): after setup, nothing the extension persisted holds the seed
// or the identity in any spelling, and the only CryptoKey stored is one non-extractable HMAC key.
// The walk is generic (every IndexedDB database, store and record; storage.local, .sync and
// .session; OPFS; Cache Storage; the pages' localStorage), and harness.spec.ts proves it finds a
// planted seed in each of those places.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { OptionsPage } from './pages/options';
import { ageDecryptWithPassword, identityLine } from '../helpers/age-cli';
import { findSecret, hexToBytes, secretForms, type Finding } from '../helpers/secrets';
import { bech32 } from '@scure/base';
import { dumpPageStorage, dumpWorkerStorage, findCryptoKeys, type StorageDump } from '../helpers/storage-dump';
import type { Page } from '@playwright/test';

async function everything(sw: import('@playwright/test').Worker, pages: Page[]) {
  const worker = await dumpWorkerStorage(sw);
  const origin = `chrome-extension://${new URL(sw.url()).host}`; // URL.origin is "null" for this scheme
  const ours = pages.filter((p) => p.url().startsWith(`${origin}/`));
  expect(ours.length).toBeGreaterThan(0);
  const web = await Promise.all(ours.map((p) => dumpPageStorage(p)));
  return { worker, web };
}

function expectOneHmacKey(dump: StorageDump) {
  const keys = findCryptoKeys(dump);
  expect(keys, JSON.stringify(keys, null, 1)).toHaveLength(1);
  const [{ at, key }] = keys as [(typeof keys)[0]];
  expect(at.startsWith('$.indexedDB')).toBe(true);
  expect(key).toMatchObject({ type: 'secret', extractable: false, exported: false });
  expect(key.algorithm).toMatchObject({ $type: 'object', props: { name: 'HMAC', hash: { $type: 'object', props: { name: 'SHA-256' } } } });
  expect(key.usages.every((u) => u === 'sign' || u === 'verify')).toBe(true);
}

const where = (findings: Finding[]) => findings.map((f) => `${f.at}: ${f.form}`);

test('64-digit key: the seed is only in memory during setup, and nowhere after', async ({ ext, downloads }) => {
  const options = await OptionsPage.open(ext);
  await options.chooseSetup('key');
  await expect(options.page.getByRole('heading', { name: 'Your 64-digit key' })).toBeVisible();
  const groups = await options.readKeyGroups();
  const forms = secretForms(hexToBytes(groups.join('')));

  // While the key is shown and not yet confirmed, the worker may hold it in storage.session
  // (memory only), and nowhere else.
  const during = await everything(ext.sw, ext.context.pages());
  const pendingAt = findSecret(during.worker, forms);
  expect(where(pendingAt.filter((f) => !f.at.startsWith('$.session')))).toEqual([]);
  expect(where(findSecret(during.web, forms))).toEqual([]);

  await options.downloadRecoveryKit(downloads);
  await options.confirmGroups(groups);
  await options.expectBackupsOn();

  const after = await everything(ext.sw, ext.context.pages());
  expect(where(findSecret(after, forms))).toEqual([]);
  expect(after.worker.indexedDB.length).toBeGreaterThan(0); // setup did write its records
  expectOneHmacKey(after.worker);
});

test('password mode: only the passphrase-encrypted key file is stored, never the identity', async ({ ext, downloads, tmp }) => {
  const options = await OptionsPage.open(ext);
  // The suggested passphrase this time (accepted for its known entropy); age must open with it too.
  const password = await options.setUpPassword(null, 'pq');
  expect(password.split(/\s+|-/).length).toBeGreaterThanOrEqual(6);
  const keyFile = await options.downloadKeyFile(downloads);
  const keyFilePath = path.join(tmp, 'key-file.age');
  fs.writeFileSync(keyFilePath, keyFile.bytes);
  const identityOut = path.join(tmp, 'identity.txt');
  await ageDecryptWithPassword(keyFilePath, identityOut, password);
  const identity = identityLine(fs.readFileSync(identityOut, 'utf8'));
  expect(identity.startsWith('AGE-SECRET-KEY-PQ-1')).toBe(true);
  const { prefix, words } = bech32.decode(identity.toLowerCase() as `${string}1${string}`, false);
  expect(prefix).toBe('age-secret-key-pq-');
  const forms = secretForms(bech32.fromWords(words));

  const after = await everything(ext.sw, ext.context.pages());
  expect(where(findSecret(after, forms))).toEqual([]);
  // The password itself is not stored either.
  expect(JSON.stringify(after)).not.toContain(password);
  expectOneHmacKey(after.worker);
});
