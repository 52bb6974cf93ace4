// The harness checks itself in the real browser, so that a green privacy test means something:
// the storage walk must find a planted seed in every place it searches, and the download catcher
// must hand back each saved file once, in order.
import { test, expect } from './fixtures';
import { dumpPageStorage, dumpWorkerStorage, findCryptoKeys } from '../helpers/storage-dump';
import { findSecret, secretForms } from '../helpers/secrets';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

test('the storage walk finds a planted seed in every store and spelling', async ({ ext }) => {
  const forms = secretForms(SEED);
  const before = await dumpWorkerStorage(ext.sw);
  expect(findSecret(before, forms)).toEqual([]);

  const planted = await ext.sw.evaluate(
    async ({ seed, hex, classic, pq, b64 }) => {
      const bytes = Uint8Array.from(seed);
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('harness-probe', 1);
        r.onupgradeneeded = () => {
          r.result.createObjectStore('raw');
          r.result.createObjectStore('nested', { keyPath: 'id' });
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction(['raw', 'nested'], 'readwrite');
      const padded = new Uint8Array(100);
      padded.set(bytes, 41);
      tx.objectStore('raw').put(padded.buffer, 'buffer-at-offset');
      tx.objectStore('nested').put({ id: 'n', deep: { list: [new Map([['k', classic.toLowerCase()]])] } });
      tx.objectStore('nested').put({ id: 'blob', b: new Blob([bytes]) });
      const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      tx.objectStore('nested').put({ id: 'key', k: hmac });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      const c = (globalThis as unknown as {
        chrome: { storage: Record<'local' | 'sync' | 'session', { set(v: object): Promise<void> }> };
      }).chrome;
      const grouped = hex.match(/.{4}/g)!.join(' ').toUpperCase();
      await c.storage.local.set({ a: { grouped } });
      await c.storage.sync.set({ b: pq });
      await c.storage.session.set({ c: `prefix:${b64}` });
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('sub', { create: true });
      const w = await (await dir.getFileHandle('f.bin', { create: true })).createWritable();
      await w.write(new Uint8Array([9, 9, ...bytes, 9]));
      await w.close();
      const cache = await caches.open('probe');
      await cache.put('https://example.invalid/x', new Response(hex));
      return true;
    },
    { seed: Array.from(SEED), hex: forms.hex, classic: forms.classicIdentity, pq: forms.pqIdentity, b64: forms.base64Forms[0]! },
  );
  expect(planted).toBe(true);

  const page = await ext.openPage('manifest.json');
  await page.evaluate((hex) => localStorage.setItem('x', hex.toUpperCase()), forms.hex);

  const after = await dumpWorkerStorage(ext.sw);
  const where = findSecret(after, forms).map((f) => f.at);
  const hit = (prefix: string) => where.some((w) => w.startsWith(prefix));
  const dbIndex = after.indexedDB.findIndex((d) => d.name === 'harness-probe');
  const store = (name: string) => after.indexedDB[dbIndex]!.stores.findIndex((s) => s.name === name);
  const record = (storeName: string, key: string) =>
    `$.indexedDB[${dbIndex}].stores[${store(storeName)}].records[${after.indexedDB[dbIndex]!.stores[store(storeName)]!.records.findIndex((r) => r.key === key)}]`;
  expect(hit(record('raw', 'buffer-at-offset')), 'IndexedDB ArrayBuffer at an offset').toBe(true);
  expect(hit(record('nested', 'blob')), 'IndexedDB Blob').toBe(true);
  expect(hit(record('nested', 'n')), 'IndexedDB Map inside an object').toBe(true);
  expect(hit('$.local'), 'storage.local, grouped upper-case hex').toBe(true);
  expect(hit('$.sync'), 'storage.sync, post-quantum Bech32').toBe(true);
  expect(hit('$.session'), 'storage.session, base64 inside a string').toBe(true);
  expect(hit('$.opfs'), 'OPFS file in a subfolder').toBe(true);
  expect(hit('$.caches'), 'Cache Storage').toBe(true);
  expect(findSecret(await dumpPageStorage(page), forms).length).toBeGreaterThan(0);

  const keys = findCryptoKeys(after);
  expect(keys).toHaveLength(1);
  expect(keys[0]!.key).toMatchObject({ extractable: false, exported: false, usages: ['sign'] });
  expect(keys[0]!.key.algorithm).toMatchObject({ $type: 'object', props: { name: 'HMAC' } });
});

test('the download catcher returns each saved file once, in order', async ({ ext, downloads }) => {
  const page = await ext.openPage('manifest.json');
  const save = (text: string, name: string) =>
    page.evaluate(
      ({ text, name }) => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([text]));
        a.download = name;
        a.click();
      },
      { text, name },
    );
  const first = await downloads.expectDownload(() => save('first file', 'one.bin'));
  expect(first.bytes.toString()).toBe('first file');
  expect(first.suggestedName).toBe('one.bin');
  const second = await downloads.expectDownload(() => save('second file', 'two.bin'));
  expect(second.bytes.toString()).toBe('second file');
  expect(second.path).not.toBe(first.path);
});
