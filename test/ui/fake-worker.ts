// A stand-in for the background worker at the client.ts seam: answers page requests from a small
// in-memory model and records every call, so component tests see realistic replies.
import { vi } from 'vitest';
import { suggestPassphrase } from '../../src/crypto/password';
import type { PagePayload, PageRequestType, PageResult, PendingKeyView, Settings } from '../../src/messaging/protocol';

export const DIGITS = '0123456789abcdef'.repeat(4);
export const GROUPS = DIGITS.match(/.{4}/g)!;
export const KEY_ID = '0f1e2d3c4b5a6978';

export const DEFAULT_TEST_SETTINGS: Settings = {
  reminderEnabled: true,
  reminderIntervalDays: 14,
  unlockTimeoutMinutes: 15,
  newKeyType: 'pq',
  captureImages: true,
  historySince: null,
};

export function pendingKey(keyType: 'pq' | 'classic' = 'pq'): PendingKeyView {
  return {
    digits: DIGITS,
    groups: GROUPS,
    identity: keyType === 'pq' ? 'AGE-SECRET-KEY-PQ-1TESTTESTTEST' : 'AGE-SECRET-KEY-1TESTTESTTEST',
    keyId: KEY_ID,
    keyType,
    createdAt: '2026-11-26T10:00:00.000Z',
    confirmGroups: [3, 11],
  };
}

type Handlers = { [K in PageRequestType]?: (payload: PagePayload<K>) => PageResult<K> | Promise<PageResult<K>> };

export function configuredState(overrides: Partial<Extract<PageResult<'key.getState'>, { configured: true }>> = {}): PageResult<'key.getState'> {
  return {
    configured: true,
    keyId: KEY_ID,
    keyType: 'pq',
    mode: 'key',
    recipient: 'age1pq1examplerecipient',
    createdAt: '2026-11-01T10:00:00.000Z',
    confirmedAt: '2026-11-01T10:01:00.000Z',
    lastCheckedAt: null,
    reminderDue: false,
    olderKeyIds: [],
    unlocked: false,
    rotationPending: false,
    ...overrides,
  };
}

export class FakeWorker {
  calls: { type: PageRequestType; payload: unknown }[] = [];
  state: PageResult<'key.getState'> = { configured: false, pendingSetup: false };
  settings: Settings = { ...DEFAULT_TEST_SETTINGS };
  handlers: Handlers = {};
  suggested: string[] = [];
  drive: PageResult<'drive.getState'> = { status: 'disconnected' };
  outbox: PageResult<'outbox.list'> = { items: [], lastBackup: null };

  constructor() {
    this.handlers = {
      'key.getState': () => this.state,
      'settings.get': () => this.settings,
      'settings.set': (patch) => (this.settings = { ...this.settings, ...patch }),
      'key.beginSetup': (p) => pendingKey(p.keyType),
      'key.getPendingSetup': () => null,
      'key.cancelSetup': () => ({ ok: true }),
      'key.confirmSetup': (p) => {
        const wrongGroups = [3, 11].filter((g, i) => p.answers[i]?.trim().toLowerCase() !== GROUPS[g - 1]);
        if (wrongGroups.length) return { ok: false, wrongGroups };
        this.state = configuredState();
        return { ok: true, keyId: KEY_ID };
      },
      // A real suggestion, so the page's own strength check recognises it as generated.
      'password.suggest': async () => {
        const passphrase = await suggestPassphrase();
        this.suggested.push(passphrase);
        return { passphrase };
      },
      'key.setupWithPassword': () => {
        this.state = configuredState({ mode: 'password' });
        return { ok: true, keyId: KEY_ID };
      },
      'key.previewExisting': () => ({ ok: true, keyId: KEY_ID, keyType: null }),
      'key.setupExisting': (p) => {
        this.state = configuredState({ keyType: p.keyType });
        return { ok: true, keyId: KEY_ID };
      },
      'key.check': () => ({ ok: true }),
      'key.turnOff': () => {
        this.state = { configured: false, pendingSetup: false };
        return { ok: true };
      },
      'key.getKeyFile': () => ({ fileName: `ChatSeal-key-file-${KEY_ID}.age`, base64: 'YWdlLWVuY3J5cHRpb24=' }),
      'backup.getKey': () => (this.state.configured ? { recipient: this.state.recipient, keyId: this.state.keyId } : null),
      'drive.getState': () => this.drive,
      'outbox.list': () => this.outbox,
      'outbox.kick': () => ({ ok: true }),
    };
  }

  on<K extends PageRequestType>(type: K, handler: (payload: PagePayload<K>) => PageResult<K> | Promise<PageResult<K>>): this {
    (this.handlers as Record<string, unknown>)[type] = handler;
    return this;
  }

  callsOf(type: PageRequestType): unknown[] {
    return this.calls.filter((c) => c.type === type).map((c) => c.payload);
  }

  /** The callWorker implementation: JSON-copies both ways, as the real channel does. */
  readonly call = vi.fn(async (type: PageRequestType, payload: unknown) => {
    this.calls.push({ type, payload: JSON.parse(JSON.stringify(payload)) });
    const handler = this.handlers[type] as ((p: unknown) => unknown) | undefined;
    if (!handler) throw new Error(`fake worker: no handler for ${type}`);
    return JSON.parse(JSON.stringify(await handler(payload)));
  });
}

/** Captures <a download> clicks instead of navigating: name and the blob's text. */
export function captureDownloads(): { name: string; blob: Blob }[] {
  const saved: { name: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((obj: Blob | MediaSource) => {
    const url = `blob:test/${++n}`;
    blobs.set(url, obj as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href')!)! });
  });
  return saved;
}
