// Where the worker keeps secrets it must not lose to a service-worker restart but must never write
// to disk: a pending (unconfirmed) key, and unlocked identities for restore. In the extension this
// is storage.session: memory only, cleared when the browser closes, and (at its default access
// level, TRUSTED_CONTEXTS) unreadable by content scripts. Tests inject an in-memory store.
import { browser } from 'wxt/browser';

export interface SessionStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** storage.session of the running extension. */
export function browserSessionStore(): SessionStore {
  const area = browser.storage.session;
  return {
    async get<T>(key: string) {
      return (await area.get(key))[key] as T | undefined;
    },
    async set(key, value) {
      await area.set({ [key]: value });
    },
    async remove(key) {
      await area.remove(key);
    },
  };
}

/** A plain in-memory store (tests, and contexts without storage.session). Values are JSON-copied like the real one. */
export function memorySessionStore(): SessionStore & { dump(): Record<string, unknown> } {
  const items = new Map<string, string>();
  return {
    async get<T>(key: string) {
      const v = items.get(key);
      return v === undefined ? undefined : (JSON.parse(v) as T);
    },
    async set(key, value) {
      items.set(key, JSON.stringify(value));
    },
    async remove(key) {
      items.delete(key);
    },
    dump() {
      return Object.fromEntries([...items].map(([k, v]) => [k, JSON.parse(v) as unknown]));
    },
  };
}
