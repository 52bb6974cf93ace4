// Reads back everything the extension persisted, generically (no knowledge of our schema), so a
// test can prove that no secret reached disk in any spelling. Runs inside the service worker
// (IndexedDB, storage.*, OPFS, Cache Storage) and inside an extension page (localStorage).
import type { Page, Worker } from '@playwright/test';

/** A structured-clone value made JSON-safe. Non-JSON values carry a `$type` tag. */
export type Tagged =
  | null
  | boolean
  | number
  | string
  | Tagged[]
  | { $type: 'bytes'; kind: string; b64: string }
  | { $type: 'blob'; mime: string; b64: string }
  | {
      $type: 'cryptokey';
      type: string;
      extractable: boolean;
      algorithm: Tagged;
      usages: string[];
      /** Whether exportKey('raw' | 'jwk') succeeded when tried from the worker. */
      exported: boolean;
    }
  | { $type: 'undefined' | 'nan' | 'infinity' | '-infinity' }
  | { $type: 'bigint'; value: string }
  | { $type: 'date'; iso: string }
  | { $type: 'regexp'; source: string; flags: string }
  | { $type: 'map'; entries: [Tagged, Tagged][] }
  | { $type: 'set'; values: Tagged[] }
  | { $type: 'error'; name: string; message: string }
  | { $type: 'object'; props: { [k: string]: Tagged } };

export interface StorageDump {
  indexedDB: {
    name: string;
    version: number;
    stores: {
      name: string;
      keyPath: Tagged;
      autoIncrement: boolean;
      indexes: string[];
      records: { key: Tagged; value: Tagged }[];
    }[];
  }[];
  local: Tagged;
  sync: Tagged;
  session: Tagged;
  opfs: { path: string; kind: 'file' | 'directory'; b64?: string }[];
  caches: { cache: string; url: string; b64: string }[];
}

export interface PageStorageDump {
  localStorage: [string, string][];
  sessionStorage: [string, string][];
}

/**
 * Everything the worker can see. The function is serialised into the worker by Playwright, so it
 * must not reference anything outside its own body.
 */
export async function dumpWorkerStorage(sw: Worker): Promise<StorageDump> {
  return sw.evaluate(async () => {
    const b64 = (u8: Uint8Array): string => {
      let s = '';
      for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const tag = async (v: unknown, depth = 0): Promise<unknown> => {
      if (depth > 64) return { $type: 'error', name: 'DepthError', message: 'nested too deep' };
      if (v === null) return null;
      if (v === undefined) return { $type: 'undefined' };
      if (typeof v === 'boolean' || typeof v === 'string') return v;
      if (typeof v === 'number') {
        if (Number.isNaN(v)) return { $type: 'nan' };
        if (v === Infinity) return { $type: 'infinity' };
        if (v === -Infinity) return { $type: '-infinity' };
        return v;
      }
      if (typeof v === 'bigint') return { $type: 'bigint', value: v.toString() };
      if (v instanceof ArrayBuffer) return { $type: 'bytes', kind: 'ArrayBuffer', b64: b64(new Uint8Array(v)) };
      if (ArrayBuffer.isView(v)) {
        return {
          $type: 'bytes',
          kind: v.constructor.name,
          b64: b64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)),
        };
      }
      if (v instanceof Blob) return { $type: 'blob', mime: v.type, b64: b64(new Uint8Array(await v.arrayBuffer())) };
      if (v instanceof CryptoKey) {
        let exported = false;
        for (const format of ['raw', 'jwk'] as const) {
          try {
            await crypto.subtle.exportKey(format, v);
            exported = true;
          } catch {
            // expected for a non-extractable key
          }
        }
        return {
          $type: 'cryptokey',
          type: v.type,
          extractable: v.extractable,
          algorithm: await tag(v.algorithm, depth + 1),
          usages: [...v.usages],
          exported,
        };
      }
      if (v instanceof Date) return { $type: 'date', iso: Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString() };
      if (v instanceof RegExp) return { $type: 'regexp', source: v.source, flags: v.flags };
      if (v instanceof Error) return { $type: 'error', name: v.name, message: v.message };
      if (v instanceof Map) {
        const entries = [];
        for (const [k, x] of v) entries.push([await tag(k, depth + 1), await tag(x, depth + 1)]);
        return { $type: 'map', entries };
      }
      if (v instanceof Set) {
        const values = [];
        for (const x of v) values.push(await tag(x, depth + 1));
        return { $type: 'set', values };
      }
      if (Array.isArray(v)) {
        const out = [];
        for (const x of v) out.push(await tag(x, depth + 1));
        return out;
      }
      if (typeof v === 'object') {
        const props: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) props[k] = await tag(x, depth + 1);
        return { $type: 'object', props };
      }
      return { $type: 'error', name: 'UnknownType', message: typeof v };
    };
    const req = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });

    const indexedDBDump = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        // No version: opens the existing one without triggering an upgrade.
        const r = indexedDB.open(info.name as string);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const stores = [];
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const keys = await req(store.getAllKeys());
        const values = await req(store.getAll());
        const records = [];
        for (let i = 0; i < keys.length; i++) records.push({ key: await tag(keys[i]), value: await tag(values[i]) });
        stores.push({
          name: storeName,
          keyPath: await tag(store.keyPath),
          autoIncrement: store.autoIncrement,
          indexes: Array.from(store.indexNames),
          records,
        });
      }
      indexedDBDump.push({ name: db.name, version: db.version, stores });
      db.close();
    }

    // The worker's own `chrome` global; typed locally because the project compiles against the
    // webextension-polyfill types, not @types/chrome.
    interface Area {
      get(keys: null): Promise<Record<string, unknown>>;
    }
    const storage = (globalThis as unknown as { chrome: { storage: Record<'local' | 'sync' | 'session', Area | undefined> } })
      .chrome.storage;
    const area = async (a: Area | undefined) => (a ? tag(await a.get(null)) : null);

    const opfs: { path: string; kind: 'file' | 'directory'; b64?: string }[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      // entries() is missing from TypeScript's DOM lib for directory handles.
      const entries = (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
      for await (const [name, handle] of entries) {
        const p = `${prefix}/${name}`;
        if (handle.kind === 'file') {
          const file = await (handle as FileSystemFileHandle).getFile();
          opfs.push({ path: p, kind: 'file', b64: b64(new Uint8Array(await file.arrayBuffer())) });
        } else {
          opfs.push({ path: p, kind: 'directory' });
          await walk(handle as FileSystemDirectoryHandle, p);
        }
      }
    };
    await walk(await navigator.storage.getDirectory(), '');

    const cacheDump = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const res = await cache.match(request);
        cacheDump.push({ cache: name, url: request.url, b64: res ? b64(new Uint8Array(await res.arrayBuffer())) : '' });
      }
    }

    return {
      indexedDB: indexedDBDump,
      local: await area(storage.local),
      sync: await area(storage.sync),
      session: await area(storage.session),
      opfs,
      caches: cacheDump,
    };
  }) as Promise<StorageDump>;
}

/** Web storage of the extension's origin, which the worker cannot reach. */
export async function dumpPageStorage(page: Page): Promise<PageStorageDump> {
  return page.evaluate(() => ({
    localStorage: Object.entries(localStorage),
    sessionStorage: Object.entries(sessionStorage),
  }));
}

/** Every CryptoKey in a dump, with where it was found. */
export function findCryptoKeys(dump: unknown): { at: string; key: Extract<Tagged, { $type: 'cryptokey' }> }[] {
  const found: { at: string; key: Extract<Tagged, { $type: 'cryptokey' }> }[] = [];
  const visit = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') {
      if ((v as { $type?: unknown }).$type === 'cryptokey') {
        found.push({ at, key: v as Extract<Tagged, { $type: 'cryptokey' }> });
        return;
      }
      for (const [k, x] of Object.entries(v)) visit(x, `${at}.${k}`);
    }
  };
  visit(dump, '$');
  return found;
}
