// Waiting on the page without busy-waiting: a MutationObserver wakes waiters as soon as the DOM
// changes (a batch landing, a row filling in), and a slow poll covers what no mutation announces
// (a spinner outside the observed subtree, a scroll position). Waits end early when interrupted
// (the user paused, stopped or cancelled).

export type WaitResult = 'ok' | 'timeout' | 'interrupted';

/** Past this many records between two takeChanges() the list of them is dropped: "everything changed". */
const MAX_KEPT_RECORDS = 20_000;

interface Waiter {
  check: () => boolean;
  finish: (result: WaitResult) => void;
}

export class DomWatch {
  private observer: MutationObserver;
  private readonly waiters = new Set<Waiter>();
  private poll: ReturnType<typeof setInterval> | null = null;
  private scheduled = false;
  /** When the observed subtree last changed (ms, performance clock). */
  lastChange = 0;
  /** Mutation records since the last takeChanges(); null: too many to list (everything changed). */
  private changes: MutationRecord[] | null = [];
  private structureVersion = 0;

  constructor(
    private root: Node,
    private readonly pollMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.observer = new MutationObserver((records) => this.take(records));
    this.observe();
    this.lastChange = this.now();
  }

  /** Follows the list when the page replaces its scroll container. */
  retarget(root: Node): void {
    if (root === this.root) return;
    this.root = root;
    this.observer.disconnect();
    this.observe();
    this.changes = null;
    this.structureVersion++;
  }

  /**
   * What changed in the subtree since the last call (records not yet delivered included), or null
   * when that is not known (after a retarget, or a burst too long to keep).
   */
  takeChanges(): MutationRecord[] | null {
    // Records taken here never reach the callback: take them as it would.
    const pending = this.observer.takeRecords();
    if (pending.length > 0) this.take(pending);
    const changes = this.changes;
    this.changes = [];
    return changes;
  }

  /**
   * A number that changes whenever nodes were added or removed in the subtree (records not yet
   * delivered included): while it holds, a list of the rows made earlier is still the list.
   */
  structure(): number {
    const pending = this.observer.takeRecords();
    if (pending.length > 0) this.take(pending);
    return this.structureVersion;
  }

  /** A change happened: note it, and wake whoever waits for one. */
  private take(records: MutationRecord[]): void {
    this.note(records);
    this.lastChange = this.now();
    this.poke();
  }

  private note(records: MutationRecord[]): void {
    for (const r of records) if (r.type === 'childList') this.structureVersion++;
    if (this.changes === null) return;
    if (this.changes.length + records.length > MAX_KEPT_RECORDS) this.changes = null;
    else for (const r of records) this.changes.push(r);
  }

  /** Resolves 'ok' once `check()` holds (checked at once, on every change and every poll). */
  until(check: () => boolean, timeoutMs: number): Promise<WaitResult> {
    if (check()) return Promise.resolve('ok');
    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.finish('timeout'), timeoutMs);
      const waiter: Waiter = {
        check,
        finish: (result) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (this.waiters.size === 0) this.stopPolling();
          resolve(result);
        },
      };
      this.waiters.add(waiter);
      this.startPolling();
    });
  }

  /** Resolves once nothing changed for `quietMs` (or after `maxMs`). */
  async settle(quietMs: number, maxMs: number): Promise<WaitResult> {
    const start = this.now();
    this.lastChange = Math.max(this.lastChange, start);
    for (;;) {
      const elapsed = this.now() - start;
      const quiet = this.now() - this.lastChange;
      if (quiet >= quietMs) return 'ok';
      if (elapsed >= maxMs) return 'timeout';
      const result = await this.until(() => false, Math.min(quietMs - quiet, maxMs - elapsed) + 1);
      if (result === 'interrupted') return result;
    }
  }

  /** Ends every wait now with 'interrupted'. */
  interrupt(): void {
    for (const w of [...this.waiters]) w.finish('interrupted');
  }

  disconnect(): void {
    this.interrupt();
    this.observer.disconnect();
    this.stopPolling();
  }

  private observe(): void {
    this.observer.observe(this.root, { childList: true, subtree: true, attributes: true, characterData: true });
  }

  private poke(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One check per burst of mutations, after the page's own task has finished its changes.
    queueMicrotask(() => {
      this.scheduled = false;
      this.checkAll();
    });
  }

  private checkAll(): void {
    for (const w of [...this.waiters]) {
      let ok = false;
      try {
        ok = w.check();
      } catch {
        ok = false;
      }
      if (ok) w.finish('ok');
    }
  }

  private startPolling(): void {
    if (this.poll !== null) return;
    this.poll = setInterval(() => this.checkAll(), Math.max(10, Math.min(this.pollMs, 1000)));
  }

  private stopPolling(): void {
    if (this.poll === null) return;
    clearInterval(this.poll);
    this.poll = null;
  }
}
