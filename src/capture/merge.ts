// What the page remembers of a capture: for each key it has sent, a small fingerprint (never the
// item itself: the worker holds the items, so the page's memory stays small on a 100,000-message
// chat). Each scan of the mounted rows is turned into ordered operations on the worker's sequence:
// runs of new items placed next to a neighbour the worker already has, and updates for known items
// that were read again with more in them.
import type { CapturedItem } from './adapter';
import type { ItemOp, Placement } from './protocol';

/** One mounted row as a scan saw it, top to bottom: an item, or a key whose content is not in yet. */
export type ScannedRow = { key: string; item: CapturedItem } | { key: string; item?: undefined; optional?: true };

interface Seen {
  sig: number;
  score: number;
  message: boolean;
}

/**
 * Merge policy for a key read again: a different reading with at least as many fields replaces
 * the earlier one (late content, an edit, a reaction added); a reading with fewer fields is a
 * row being emptied or half re-rendered, and is ignored.
 */
export function shouldReplace(old: { sig: number; score: number }, next: { sig: number; score: number }): boolean {
  return next.sig !== old.sig && next.score >= old.score;
}

export class KnownItems {
  private readonly seen = new Map<string, Seen>();
  /** Keys seen only as not-yet-filled rows. */
  private readonly pendingOnly = new Set<string>();
  /** Keys of rows that filled in as no item (a contact card): not messages to wait for. */
  private readonly notItems = new Set<string>();
  /** Key a row has while emptied -> its item's key, when they differ (see RowResult pendingKey). */
  private readonly aliases = new Map<string, string>();
  private messageCount = 0;

  get messages(): number {
    return this.messageCount;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Read already: as an item, or as a row that is none. */
  has(key: string): boolean {
    return this.seen.has(key) || this.notItems.has(key) || this.aliases.has(key);
  }

  /** The row read as `itemKey` is read as `pendingKey` while emptied: there it stands for its item. */
  alias(pendingKey: string, itemKey: string): void {
    this.aliases.set(pendingKey, itemKey);
    this.pendingOnly.delete(pendingKey);
  }

  /** A key whose row filled in as no item: an earlier empty reading of it missed nothing. */
  skipped(key: string): void {
    this.notItems.add(key);
    this.pendingOnly.delete(key);
  }

  /** Keys that showed up only as empty rows and were never read (messages the capture missed). */
  get unread(): number {
    return this.pendingOnly.size;
  }

  /** Turns one scan into operations for the worker, and remembers what they send. */
  plan(rows: readonly ScannedRow[]): ItemOp[] {
    const ops: ItemOp[] = [];
    const inScan = new Set<string>();
    let previousKnown: string | null = null;
    let run: CapturedItem[] = [];

    const flush = (nextKnown: string | null) => {
      if (run.length === 0) return;
      const place: Placement =
        previousKnown !== null ? { after: previousKnown } : nextKnown !== null ? { before: nextKnown } : { at: 'end' };
      ops.push({ op: 'insert', place, items: run });
      for (const item of run) this.remember(item);
      previousKnown = run[run.length - 1]!.key;
      run = [];
    };

    for (const row of rows) {
      if (inScan.has(row.key)) continue; // a key twice in one scan: the first reading wins
      inScan.add(row.key);
      const known = this.seen.get(row.key);
      if (row.item === undefined) {
        // An emptied row of an item read before under another key still marks that item's place:
        // a run must not be carried across it.
        const anchor = known !== undefined ? row.key : this.aliases.get(row.key);
        if (anchor === undefined || !this.seen.has(anchor)) {
          if (!row.optional && !this.notItems.has(row.key)) this.pendingOnly.add(row.key);
          continue; // a hole in the run: it is placed by its neighbours once it fills in
        }
        flush(anchor);
        previousKnown = anchor;
        continue;
      }
      if (known === undefined) {
        run.push(row.item);
        continue;
      }
      flush(row.key);
      previousKnown = row.key;
      const next = fingerprint(row.item);
      if (shouldReplace(known, next)) {
        known.sig = next.sig;
        known.score = next.score;
        ops.push({ op: 'update', item: row.item });
      }
    }
    flush(null);
    return ops;
  }

  private remember(item: CapturedItem): void {
    const isMessage = item.type === 'message';
    this.seen.set(item.key, { ...fingerprint(item), message: isMessage });
    this.pendingOnly.delete(item.key);
    if (isMessage) this.messageCount++;
  }
}

/** A 32-bit FNV-1a hash of the item's JSON and the number of fields it fills. */
export function fingerprint(item: CapturedItem): { sig: number; score: number } {
  const json = JSON.stringify(item);
  let h = 0x811c9dc5;
  for (let i = 0; i < json.length; i++) {
    h ^= json.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return { sig: h >>> 0, score: countFields(item) };
}

function countFields(value: unknown): number {
  if (value === undefined || value === null || value === '' || value === false) return 0;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countFields(v), 0);
  if (typeof value === 'object') {
    let n = 0;
    for (const v of Object.values(value as Record<string, unknown>)) n += countFields(v);
    return n;
  }
  return 1;
}
