// Chat titles are plaintext: they may be shown (the popup's last backup, a queued backup's row)
// only while held in memory. storage.session is memory that survives a service-worker restart and
// is cleared when the browser closes; at its default access level content scripts cannot read it.
// After a browser restart rows show date and size only, as UX.md says.
import { browserSessionStore, type SessionStore } from '../keys/session';

const PREFIX = 'title.';
/** Longest title kept; a title is for display, and storage.session has a quota. */
export const MAX_TITLE_CHARS = 200;

export interface Titles {
  rememberTitle(id: string, title: string): Promise<void>;
  titleOf(id: string): Promise<string | undefined>;
  forgetTitle(id: string): Promise<void>;
}

export function createTitles(store: SessionStore): Titles {
  return {
    async rememberTitle(id, title) {
      const kept = title.trim().slice(0, MAX_TITLE_CHARS);
      if (kept) await store.set(PREFIX + id, kept);
    },
    async titleOf(id) {
      const v = await store.get<unknown>(PREFIX + id);
      return typeof v === 'string' ? v : undefined;
    },
    async forgetTitle(id) {
      await store.remove(PREFIX + id);
    },
  };
}

let shared: Titles | undefined;
function titles(): Titles {
  shared ??= createTitles(browserSessionStore());
  return shared;
}

/** Remembers the chat title of an outbox item (by its id) for this browser session. */
export function rememberTitle(id: string, title: string): Promise<void> {
  return titles().rememberTitle(id, title);
}

export function titleOf(id: string): Promise<string | undefined> {
  return titles().titleOf(id);
}

export function forgetTitle(id: string): Promise<void> {
  return titles().forgetTitle(id);
}
