// The worker's upload manager: takes files from the outbox one at a time and sends them to the
// "ChatSeal Backups" folder with a resumable upload, saving where the upload stands after every
// chunk Drive confirmed, so a stopped service worker or a closed browser resumes where Drive says
// it is (a status query), not from the start. It is started (`kick`) when something is added, when
// Drive gets connected, when the worker starts, on browser start-up and by its alarm; only one run
// goes at a time. Pause, Resume, Retry and Cancel come from the popup. A failure that needs the
// user raises a system notification when no popup is open to show it.
//
// State lives in the outbox (IndexedDB) and in storage.local (the last successful backup: when,
// size, kind; never a title). Live progress (speed, time left) is memory only.
import { OutboxError, type Outbox, type OutboxItem, type OutboxPatch, type OutboxReason, type UploadCheckpoint } from '../backup/outbox';
import type { DriveClient, DriveFile } from './client';
import type { ConnectionState } from './connection';
import { DriveError } from './errors';
import { uploadMetadata } from './names';
import { uploadResumable, type UploadMetadata, type UploadProgress } from './upload';

/** What an upload needs; `resume` is the checkpoint saved by an earlier run, if any. */
export interface UploadRequest {
  client: DriveClient;
  blob: Blob;
  metadata: UploadMetadata;
  sha256: string;
  resume?: UploadCheckpoint;
  /** After the session starts and every chunk Drive confirmed; persisted before the next chunk goes. */
  onCheckpoint(checkpoint: UploadCheckpoint): Promise<void>;
  onProgress(progress: UploadProgress): void;
  signal: AbortSignal;
}

/** The resumable upload; src/drive/upload.ts unless a test passes another. */
export type UploadFn = (request: UploadRequest) => Promise<DriveFile>;

export const resumableUpload: UploadFn = async (request) => (await uploadResumable(request.client, request)).file;

export interface ConnectionPort {
  state(): Promise<ConnectionState>;
  client(): DriveClient;
}

/** A key file or keyring the device holds now, to mirror in Drive. */
export interface KeyFileSource {
  /** Password mode's key file, or null. */
  keyFile(): Promise<{ bytes: Uint8Array; keyId: string; createdAt: string } | null>;
  /** The keyring (older keys sealed to the current one), or null. */
  keyring(): Promise<{ bytes: Uint8Array; keyId: string; createdAt: string } | null>;
  /**
   * The key this device holds now (null: none, e.g. turned off) and the older ones its keyring
   * keeps. A queued key file or keyring of any other key is not uploaded (reason 'no-key').
   */
  keyIds?(): Promise<{ current: string | null; older: readonly string[] }>;
}

export interface ManagerDeps {
  outbox: Outbox;
  connection: ConnectionPort;
  upload?: UploadFn;
  /** storage.local: the last successful upload and the hashes of key files already sent. */
  local: { get<T>(key: string): Promise<T | undefined>; set(key: string, value: unknown): Promise<void> };
  titleOf?: (id: string) => Promise<string | undefined>;
  keyFiles?: KeyFileSource;
  sha256Hex?: (bytes: Uint8Array) => Promise<string>;
  /** A system notification (only called when no popup is open). */
  notify?: (notice: FailureNotice) => void;
  isPopupOpen?: () => boolean;
  /** Wakes the worker to resume: at `when` (epoch ms) once, or every minute while `periodic`. */
  scheduleWake?: (wake: { when?: number; periodic: boolean } | null) => void;
  /** Called every ~20 s while an upload runs: an extension API call keeps the service worker alive. */
  keepAlive?: () => void;
  now?: () => number;
  onChange?: () => void;
}

export interface FailureNotice {
  itemId: string;
  kind: OutboxItem['kind'];
  reason: OutboxReason;
}

export interface Progress {
  /** Bytes Drive confirmed. */
  confirmed: number;
  bytesPerSecond?: number;
  secondsLeft?: number;
}

export interface OutboxItemView {
  id: string;
  kind: OutboxItem['kind'];
  fileName: string;
  size: number;
  createdAt: string;
  state: OutboxItem['state'];
  reason?: OutboxReason;
  detail?: string;
  retryAt?: string;
  complete?: boolean;
  messageCount?: number;
  /** The chat's title while it is held in memory (storage.session). */
  title?: string;
  progress: Progress;
}

export interface LastUpload {
  at: string;
  size: number;
  kind: OutboxItem['kind'];
  fileName: string;
  itemId: string;
  driveFileId: string;
  complete?: boolean;
  messageCount?: number;
}

export interface OutboxView {
  items: OutboxItemView[];
  lastBackup: (LastUpload & { title?: string }) | null;
}

export const FOLDER_NAME = 'ChatSeal Backups';
const LAST_BACKUP_KEY = 'drive.lastBackup';
const SENT_KEY_FILES = 'drive.sentKeyFiles';

/** The SHA-256 of the key file and keyring last queued for an account's Drive. */
interface SentKeyFiles {
  email: string;
  'key-file'?: string;
  keyring?: string;
}
const KEEP_ALIVE_MS = 20_000;
/** Waits between whole attempts after the client's own retries gave up: 1, 2, 4 … 30 minutes. */
const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 30 * 60_000;
/** A checksum mismatch is tried once more from the start, then it needs the user. */
const CHECKSUM_ATTEMPTS = 2;

/** Why an upload stopped, recorded by pause/cancel before aborting it. */
type StopCause = 'paused' | 'cancelled' | 'disconnected' | 'no-key';

interface Running {
  id: string;
  controller: AbortController;
  stop?: StopCause;
  startedAt: number;
  startOffset: number;
  confirmed: number;
  lastAt: number;
  bytesPerSecond?: number;
}

export class UploadManager {
  private running: Running | undefined;
  private loop: Promise<void> | undefined;
  private again = false;
  private readonly now: () => number;

  constructor(private readonly deps: ManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts uploading what waits, unless a run is going (which then looks again when done). */
  kick(): Promise<void> {
    if (this.loop) {
      this.again = true;
      return this.loop;
    }
    this.loop = (async () => {
      try {
        do {
          this.again = false;
          await this.runQueue();
        } while (this.again);
      } finally {
        this.loop = undefined;
      }
    })();
    return this.loop;
  }

  /** Resolves when the current run (if any) is over. */
  idle(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  async pause(id: string): Promise<void> {
    const item = await this.deps.outbox.update(id, (cur) => (cur.state === 'paused' ? null : { state: 'paused', retryAt: undefined }));
    if (!item) return;
    this.stopRunning(id, 'paused');
    this.changed();
  }

  async resume(id: string): Promise<void> {
    await this.deps.outbox.update(id, (cur) => (cur.state === 'paused' ? { state: 'waiting', reason: undefined, detail: undefined, retryAt: undefined } : null));
    this.changed();
    void this.kick();
  }

  /** Tries a waiting or failed item again now, with a fresh count of attempts. */
  async retry(id: string): Promise<void> {
    await this.deps.outbox.update(id, (cur) =>
      cur.state === 'uploading' ? null : { state: 'waiting', reason: undefined, detail: undefined, retryAt: undefined, attempts: 0 },
    );
    this.changed();
    void this.kick();
  }

  /** Removes the item from the outbox (its file is gone unless the user saved it). */
  async cancel(id: string): Promise<void> {
    this.stopRunning(id, 'cancelled');
    await this.deps.outbox.remove(id);
    this.changed();
  }

  /** Drive was disconnected: the upload in flight stops and waits for a new connection. */
  disconnected(): void {
    if (this.running) this.stopRunning(this.running.id, 'disconnected');
  }

  async view(): Promise<OutboxView> {
    const items = await this.deps.outbox.list();
    const views: OutboxItemView[] = [];
    for (const item of items) views.push(await this.itemView(item));
    const last = (await this.deps.local.get<LastUpload>(LAST_BACKUP_KEY)) ?? null;
    const title = last ? await this.deps.titleOf?.(last.itemId) : undefined;
    return { items: views, lastBackup: last ? { ...last, ...(title === undefined ? {} : { title }) } : null };
  }

  /**
   * Queues the key file (password mode) and the keyring when they differ from what was last
   * queued for Drive, so a new browser can restore with the password alone. Call on key changes
   * and when Drive gets connected.
   */
  async syncKeyFiles(): Promise<void> {
    await this.holdTurnedOffKeyFiles();
    const source = this.deps.keyFiles;
    const hash = this.deps.sha256Hex;
    if (!source || !hash) return;
    const state = await this.deps.connection.state();
    if (state.status !== 'connected') return;
    // Per account: connecting another account's Drive needs the key file there too.
    const saved = await this.deps.local.get<SentKeyFiles>(SENT_KEY_FILES);
    const sent: SentKeyFiles = saved?.email === state.email ? saved : { email: state.email };
    let added = false;
    for (const kind of ['key-file', 'keyring'] as const) {
      const file = kind === 'key-file' ? await source.keyFile() : await source.keyring();
      if (!file) continue;
      const sha256 = await hash(file.bytes);
      if (sent[kind] === sha256) continue;
      await this.deps.outbox.add({ kind, blob: new Blob([file.bytes as Uint8Array<ArrayBuffer>]), sha256, keyId: file.keyId, createdAt: file.createdAt });
      sent[kind] = sha256;
      added = true;
    }
    if (added) {
      await this.deps.local.set(SENT_KEY_FILES, sent);
      this.changed();
      void this.kick();
    }
  }

  private async itemView(item: OutboxItem): Promise<OutboxItemView> {
    const run = this.running?.id === item.id ? this.running : undefined;
    const confirmed = run ? run.confirmed : (item.upload?.offset ?? 0);
    const progress: Progress = { confirmed };
    if (run?.bytesPerSecond !== undefined && run.bytesPerSecond > 0) {
      progress.bytesPerSecond = Math.round(run.bytesPerSecond);
      progress.secondsLeft = Math.ceil((item.size - confirmed) / run.bytesPerSecond);
    }
    const title = item.kind === 'backup' ? await this.deps.titleOf?.(item.id) : undefined;
    const view: OutboxItemView = {
      id: item.id,
      kind: item.kind,
      fileName: item.fileName,
      size: item.size,
      createdAt: item.createdAt,
      state: item.state,
      progress,
    };
    if (item.reason !== undefined) view.reason = item.reason;
    if (item.detail !== undefined) view.detail = item.detail;
    if (item.retryAt !== undefined) view.retryAt = item.retryAt;
    if (item.complete !== undefined) view.complete = item.complete;
    if (item.messageCount !== undefined) view.messageCount = item.messageCount;
    if (title !== undefined) view.title = title;
    return view;
  }

  private stopRunning(id: string, cause: StopCause): void {
    if (this.running?.id !== id) return;
    this.running.stop = cause;
    this.running.controller.abort(new DOMException(`upload ${cause}`, 'AbortError'));
  }

  private async runQueue(): Promise<void> {
    for (;;) {
      const items = await this.deps.outbox.list();
      // An item left 'uploading' by a stopped worker is picked up again (its checkpoint resumes it).
      const pending = items.filter((i) => i.state === 'waiting' || i.state === 'uploading');
      const now = this.now();
      const due = pending.filter((i) => i.retryAt === undefined || Date.parse(i.retryAt) <= now);
      const next = due[0];
      if (!next) {
        this.scheduleFor(pending);
        return;
      }
      const connection = await this.deps.connection.state();
      const blocked = blockedReason(connection);
      if (blocked) {
        await this.markWaiting(pending, blocked);
        this.scheduleWake(null);
        return;
      }
      this.scheduleWake({ periodic: true });
      await this.uploadOne(next);
    }
  }

  private scheduleFor(pending: OutboxItem[]): void {
    const times = pending.map((i) => (i.retryAt === undefined ? undefined : Date.parse(i.retryAt))).filter((t): t is number => t !== undefined);
    if (times.length === 0) this.scheduleWake(null);
    else this.scheduleWake({ when: Math.min(...times), periodic: false });
  }

  private scheduleWake(wake: { when?: number; periodic: boolean } | null): void {
    try {
      this.deps.scheduleWake?.(wake);
    } catch {
      // Without an alarm the next kick (worker start, popup, new backup) still resumes.
    }
  }

  private async markWaiting(items: OutboxItem[], reason: OutboxReason): Promise<void> {
    let changed = false;
    for (const item of items) {
      const wasBlocked = item.reason === reason && item.state === 'waiting';
      if (wasBlocked) continue;
      await this.deps.outbox.update(item.id, { state: 'waiting', reason, detail: undefined });
      changed = true;
      if (reason === 'signed-out' || reason === 'account-changed') this.notifyFailure(item, reason);
    }
    if (changed) this.changed();
  }

  private async uploadOne(item: OutboxItem): Promise<void> {
    if (item.kind !== 'backup' && (await this.keyTurnedOff(item.keyId))) {
      await this.holdForNoKey(item);
      return;
    }
    const controller = new AbortController();
    const startOffset = item.upload?.offset ?? 0;
    const run: Running = { id: item.id, controller, startedAt: this.now(), startOffset, confirmed: startOffset, lastAt: this.now() };
    this.running = run;
    const alive = this.deps.keepAlive ? setInterval(() => this.deps.keepAlive?.(), KEEP_ALIVE_MS) : undefined;
    try {
      const started = await this.deps.outbox.update(item.id, (cur) =>
        cur.state === 'waiting' || cur.state === 'uploading' ? { state: 'uploading', reason: undefined, detail: undefined, retryAt: undefined } : null,
      );
      if (!started || started.state !== 'uploading') return;
      this.changed();
      const blob = await this.deps.outbox.file(item.id);
      if (!blob) throw new OutboxError('missing-file', 'the outbox item has no file');
      const client = this.deps.connection.client();
      const folder = await client.ensureFolder(FOLDER_NAME, controller.signal);
      const file = await (this.deps.upload ?? resumableUpload)({
        client,
        blob,
        metadata: uploadMetadata({ kind: item.kind, keyId: item.keyId, createdAt: item.createdAt }, folder, item.fileName),
        sha256: item.sha256,
        ...(item.upload === undefined ? {} : { resume: item.upload }),
        onCheckpoint: async (checkpoint) => {
          const saved = await this.deps.outbox.update(item.id, (cur) => (cur.state === 'uploading' ? { upload: checkpoint } : null));
          if (!saved || saved.state !== 'uploading') {
            // Cancelled or paused between chunks (by another context): stop before the next one.
            controller.abort(new DOMException('upload stopped', 'AbortError'));
            throw controller.signal.reason;
          }
          this.measure(run, checkpoint.offset);
          this.changed();
        },
        onProgress: (progress) => {
          if (progress.bytesPerSecond !== undefined) run.bytesPerSecond = progress.bytesPerSecond;
        },
        signal: controller.signal,
      });
      await this.finished(item, file);
    } catch (error) {
      await this.failed(item, run, error);
    } finally {
      if (alive !== undefined) clearInterval(alive);
      if (this.running === run) this.running = undefined;
      this.changed();
    }
  }

  /**
   * Whether `keyId` is neither this device's key nor one its keyring keeps: the key was turned off
   * (maybe with a new one set up since). Without the source's answer nothing is held back.
   */
  private async keyTurnedOff(keyId: string): Promise<boolean> {
    const ids = await this.deps.keyFiles?.keyIds?.();
    if (!ids) return false;
    return ids.current !== keyId && !ids.older.includes(keyId);
  }

  /** After a key change: queued key files and keyrings of a key turned off are held at once, one being uploaded is stopped. */
  private async holdTurnedOffKeyFiles(): Promise<void> {
    if (!this.deps.keyFiles?.keyIds) return;
    for (const item of await this.deps.outbox.list()) {
      if (item.kind === 'backup' || (item.state !== 'waiting' && item.state !== 'uploading')) continue;
      if (!(await this.keyTurnedOff(item.keyId))) continue;
      this.stopRunning(item.id, 'no-key');
      await this.holdForNoKey(item);
    }
  }

  /**
   * A key file or keyring queued before its key was turned off is not sent: the user deleted that
   * key from this computer, and once uploaded it would also replace (delete) the key file or
   * keyring in Drive that a newer key, maybe set up in another browser, put there. It waits for
   * the user (Cancel, or Save as file); nothing newer will replace it while no key is set up.
   */
  private async holdForNoKey(item: OutboxItem): Promise<void> {
    const held = await this.deps.outbox.update(item.id, (cur) =>
      cur.state === 'waiting' || cur.state === 'uploading' ? { state: 'failed', reason: 'no-key', detail: undefined, retryAt: undefined } : null,
    );
    if (held?.state !== 'failed') return;
    this.notifyFailure(item, 'no-key');
    this.changed();
  }

  private measure(run: Running, offset: number): void {
    const at = this.now();
    const elapsed = (at - run.startedAt) / 1000;
    if (elapsed > 0 && offset > run.startOffset) run.bytesPerSecond = (offset - run.startOffset) / elapsed;
    run.confirmed = offset;
    run.lastAt = at;
  }

  private async finished(item: OutboxItem, file: DriveFile): Promise<void> {
    await this.deps.outbox.remove(item.id);
    if (item.kind === 'backup') {
      const last: LastUpload = {
        at: new Date(this.now()).toISOString(),
        size: item.size,
        kind: item.kind,
        fileName: item.fileName,
        itemId: item.id,
        driveFileId: file.id,
        ...(item.complete === undefined ? {} : { complete: item.complete }),
        ...(item.messageCount === undefined ? {} : { messageCount: item.messageCount }),
      };
      await this.deps.local.set(LAST_BACKUP_KEY, last);
    } else {
      await this.removeOlderCopies(item, file);
    }
  }

  /** A newer key file or keyring supersedes the older ones in Drive (an old key file may carry an old password). */
  private async removeOlderCopies(item: OutboxItem, file: DriveFile): Promise<void> {
    try {
      const client = this.deps.connection.client();
      const folder = await client.ensureFolder(FOLDER_NAME);
      for (const old of await client.listFolder(folder)) {
        if (old.id !== file.id && old.appProperties?.chatsealKind === item.kind) await client.remove(old.id);
      }
    } catch {
      // Leaving an older copy is harmless for restore (the newest wins); it is retried next time.
    }
  }

  private async failed(item: OutboxItem, run: Running, error: unknown): Promise<void> {
    if (run.stop === 'paused' || run.stop === 'cancelled' || run.stop === 'no-key') return;
    if (run.stop === 'disconnected') {
      await this.deps.outbox.update(item.id, { state: 'waiting', reason: 'not-connected' });
      return;
    }
    const drive = error instanceof DriveError ? error : undefined;
    const detail = drive ? `${drive.kind}${drive.reason === undefined ? '' : ` (${drive.reason})`}` : error instanceof Error ? error.name : 'error';
    const patch = (p: OutboxPatch) => this.deps.outbox.update(item.id, { detail, ...p });
    const attempts = item.attempts + 1;
    if (!drive) {
      await patch({ state: 'failed', reason: 'internal', attempts });
      this.notifyFailure(item, 'internal');
      return;
    }
    switch (drive.kind) {
      case 'network':
      case 'server':
      case 'rate-limited': {
        const wait = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(10, attempts - 1));
        const retryAt = new Date(this.now() + wait).toISOString();
        await patch({ state: 'waiting', reason: drive.kind === 'network' ? 'offline' : 'drive-busy', attempts, retryAt });
        return;
      }
      case 'auth': {
        const state = await this.deps.connection.state();
        const reason = blockedReason(state) ?? 'signed-out';
        await patch({ state: 'waiting', reason, attempts });
        this.notifyFailure(item, reason);
        return;
      }
      case 'session-lost':
        // Drive forgot the session: start this file again from its first byte (at once the first
        // times; a session lost again and again waits like a network failure).
        await patch({ state: 'waiting', upload: undefined, attempts, ...(attempts < 3 ? {} : { retryAt: new Date(this.now() + RETRY_BASE_MS).toISOString() }) });
        return;
      case 'checksum-mismatch':
        if (attempts < CHECKSUM_ATTEMPTS) {
          await patch({ state: 'waiting', upload: undefined, attempts });
          return;
        }
        await patch({ state: 'failed', reason: 'checksum', upload: undefined, attempts });
        this.notifyFailure(item, 'checksum');
        return;
      case 'quota':
        await patch({ state: 'failed', reason: 'quota', attempts });
        this.notifyFailure(item, 'quota');
        return;
      case 'forbidden':
        await patch({ state: 'failed', reason: 'forbidden', attempts });
        this.notifyFailure(item, 'forbidden');
        return;
      case 'bad-request':
      case 'not-found':
        // A rejected request will be rejected again; a fresh session is the only thing to change.
        await patch({ state: 'failed', reason: 'rejected', upload: undefined, attempts });
        this.notifyFailure(item, 'rejected');
        return;
    }
  }

  private notifyFailure(item: OutboxItem, reason: OutboxReason): void {
    if (!this.deps.notify || this.deps.isPopupOpen?.() === true) return;
    try {
      this.deps.notify({ itemId: item.id, kind: item.kind, reason });
    } catch {
      // The popup shows it either way.
    }
  }

  private changed(): void {
    try {
      this.deps.onChange?.();
    } catch {
      // Listeners' failures are theirs.
    }
  }
}

/** The reason uploads cannot start with this connection, or null when they can. */
export function blockedReason(state: ConnectionState): OutboxReason | null {
  switch (state.status) {
    case 'connected':
      return null;
    case 'no-client-id':
      return 'no-client-id';
    case 'signed-out':
      return 'signed-out';
    case 'confirm-account':
      return 'account-changed';
    case 'disconnected':
      return 'not-connected';
  }
}
