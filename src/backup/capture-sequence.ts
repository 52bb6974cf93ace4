// The worker's ordered sequence of a capture's items, oldest first, built from the page's
// operations (src/capture/protocol.ts): runs of new items placed before or after a key it already
// holds, or at the end, and updates by key. A linked list keyed by a Map, so a run placed at the
// top of a 100,000-item chat costs what the run costs, not what the chat does. Memory only.
import type { CapturedItem } from '../capture/adapter';
import type { ItemOp } from '../capture/protocol';

interface Node {
  item: CapturedItem;
  prev: Node | null;
  next: Node | null;
}

export class SequenceError extends Error {
  override readonly name = 'SequenceError';
}

export class ItemSequence {
  private readonly nodes = new Map<string, Node>();
  private head: Node | null = null;
  private tail: Node | null = null;
  private messageCount = 0;

  get size(): number {
    return this.nodes.size;
  }

  get messages(): number {
    return this.messageCount;
  }

  has(key: string): boolean {
    return this.nodes.has(key);
  }

  /** Applies one operation; a placement next to an unknown key or a key inserted twice is refused. */
  apply(op: ItemOp): void {
    if (op.op === 'update') {
      const node = this.nodes.get(op.item.key);
      if (!node) throw new SequenceError('update of an unknown key');
      if (node.item.type !== op.item.type) throw new SequenceError('an update changes the item type');
      node.item = op.item;
      return;
    }
    let prev: Node | null;
    let next: Node | null;
    const place = op.place;
    if ('after' in place) {
      prev = this.nodes.get(place.after) ?? null;
      if (!prev) throw new SequenceError('placement after an unknown key');
      next = prev.next;
    } else if ('before' in place) {
      next = this.nodes.get(place.before) ?? null;
      if (!next) throw new SequenceError('placement before an unknown key');
      prev = next.prev;
    } else {
      prev = this.tail;
      next = null;
    }
    for (const item of op.items) {
      // The page sends each key once; a repeat is a page bug or a replay, and keeps the first.
      if (this.nodes.has(item.key)) continue;
      const node: Node = { item, prev, next };
      if (prev) prev.next = node;
      else this.head = node;
      if (next) next.prev = node;
      else this.tail = node;
      this.nodes.set(item.key, node);
      if (item.type === 'message') this.messageCount++;
      prev = node;
    }
  }

  *[Symbol.iterator](): IterableIterator<CapturedItem> {
    for (let n = this.head; n !== null; n = n.next) yield n.item;
  }

  toArray(): CapturedItem[] {
    return [...this];
  }
}
