// The worker's side of one capture (one 'capture' port from a chat page): it keeps the items in
// memory in their order (ItemSequence; nothing plaintext touches storage), writes media into the
// encrypted backup as they arrive (each piece acknowledged only once the writer has taken it, so
// memory does not grow with media), and at the end runs the site adapter's finalize, builds and
// validates the chatseal/1 document, writes chat.json.gz (gzipped message by message: the chat never
// sits whole in one string), the manifest and the padding, and hands the ciphertext to `save` (the
// outbox). Cancel, a disconnect before the end, or any failure aborts the writer: nothing is kept.
// The page never sees a key. Dependencies are injected, so tests run it in Node with fakes.
import type { CapturedItem, CapturedMessage, Finalized, FinalizeContext, LiveSite } from '../capture/adapter';
import { PORT_LIMITS, type CaptureProblem, type ItemOp, type PageToWorkerPort, type SavedDestination, type WorkerToPagePort } from '../capture/protocol';
import { nobleSha256, type Sha256Factory } from '../age/primitives';
import { fromBase64, toHex, utf8Encode } from '../crypto/bytes';
import { extensionOf } from '../export/mime';
import { SCHEMA_VERSION, type Attachment, type ChatExport, type Message, type Warning } from '../export/types';
import { validateExport } from '../export/validate';
import { CiphertextBlob } from '../import/ciphertext-blob';
import { ItemSequence, SequenceError } from './capture-sequence';
import { BackupWriter, MEDIA_EXT, type BackupKey, type MediaRef, type WriterOptions } from './writer';

/** The part of runtime.Port the session uses. */
export interface SessionPort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

/** What `save` receives: the ciphertext and facts that say nothing about the chat, plus its title (memory only). */
export interface CapturedBackup {
  blob: Blob;
  sha256: string;
  size: number;
  keyId: string;
  createdAt: string;
  complete: boolean;
  messageCount: number;
  /** Plaintext: keep in memory (storage.session) only. */
  title: string;
}

export type Finalizer = (items: readonly CapturedItem[], context: FinalizeContext) => Finalized;

export interface CaptureSessionDeps {
  getKey(): Promise<BackupKey | null>;
  finalizer(site: LiveSite): Finalizer | undefined;
  save(backup: CapturedBackup): Promise<{ destination: SavedDestination }>;
  appVersion: string;
  now?: () => Date;
  writerOptions?: WriterOptions;
  sha256?: Sha256Factory;
  /** Failures, by code (never content), for the worker's log. */
  onError?: (code: string, error: unknown) => void;
}

export class CaptureSessionError extends Error {
  override readonly name = 'CaptureSessionError';
  constructor(
    readonly code: 'bad-message' | 'invalid-export' | 'write-failed' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

/** Most items one capture may hold (a bound on a misbehaving page, far above any real chat). */
const MAX_ITEMS = 2_000_000;
const MAX_OPS_ITEMS = 4 * PORT_LIMITS.maxItems;
const MAX_PIECE_CHARS = Math.ceil((PORT_LIMITS.maxMediaPiece * 4) / 3) + 8;
/** Messages per gzip write of chat.json. */
const GZIP_MESSAGES = 500;

type MediaOutcome = { ok: true; ref: MediaRef; mime?: string } | { ok: false };

interface Begun {
  site: LiveSite;
  finalize: Finalizer;
  chat: { id: string; title: string; isGroup?: boolean };
  url: string;
  startedAt: string;
  timeZone: string;
  writer: BackupWriter;
  keyId: string;
  createdAt: string;
  collected: Promise<{ blob: Blob; sha256: string; size: number }>;
}

export class CaptureSession {
  private readonly sequence = new ItemSequence();
  private readonly media = new Map<string, MediaOutcome>();
  private current: { mediaKey: string; feed: MediaFeed; done: Promise<MediaRef>; mime?: string } | null = null;
  private begun: Begun | null = null;
  private queue: Promise<void> = Promise.resolve();
  private state: 'new' | 'open' | 'ending' | 'done' = 'new';
  private readonly now: () => Date;
  /** Settles when the session is over (saved, failed, cancelled or disconnected). */
  readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly port: SessionPort,
    private readonly deps: CaptureSessionDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.finished = new Promise((resolve) => (this.finish = resolve));
    port.onMessage.addListener((message) => {
      // One message at a time, in order: each may wait on the writer.
      this.queue = this.queue.then(() => this.handle(message)).catch((error: unknown) => this.fail(error));
    });
    // Once 'end' has arrived the backup is finished even if the page goes away meanwhile.
    port.onDisconnect.addListener(() => {
      if (this.state !== 'ending') void this.abandon();
    });
  }

  private post(message: WorkerToPagePort): void {
    try {
      this.port.postMessage(message);
    } catch {
      if (this.state !== 'ending') void this.abandon();
    }
  }

  private async handle(raw: unknown): Promise<void> {
    if (this.state === 'done') return;
    const message = raw as PageToWorkerPort;
    if (typeof message !== 'object' || message === null || typeof (message as { t?: unknown }).t !== 'string') {
      throw new CaptureSessionError('bad-message', 'not a capture message');
    }
    if (message.t === 'ping') return; // it kept the worker alive; nothing to do
    if (message.t === 'begin') return this.begin(message);
    if (message.t === 'cancel') return this.abandon();
    if (this.state !== 'open' || !this.begun) throw new CaptureSessionError('bad-message', `${message.t} before begin`);
    if (!Number.isSafeInteger(message.seq)) throw new CaptureSessionError('bad-message', 'no seq');
    switch (message.t) {
      case 'items':
        this.applyOps(message.ops);
        this.ack(message.seq);
        return;
      case 'media-begin':
        this.beginMedia(message);
        this.ack(message.seq);
        return;
      case 'media-data': {
        const current = this.current;
        if (!current || current.mediaKey !== message.mediaKey || typeof message.base64 !== 'string' || message.base64.length > MAX_PIECE_CHARS) {
          throw new CaptureSessionError('bad-message', 'media piece out of place');
        }
        current.feed.push(fromBase64(message.base64), () => this.ack(message.seq));
        return;
      }
      case 'media-end': {
        const current = this.current;
        if (!current || current.mediaKey !== message.mediaKey) throw new CaptureSessionError('bad-message', 'media end out of place');
        current.feed.end();
        const ref = await current.done;
        this.media.set(current.mediaKey, current.mime ? { ok: true, ref, mime: current.mime } : { ok: true, ref });
        this.current = null;
        this.ack(message.seq);
        return;
      }
      case 'media-failed':
        if (typeof message.mediaKey !== 'string') throw new CaptureSessionError('bad-message', 'no media key');
        if (!this.media.has(message.mediaKey)) this.media.set(message.mediaKey, { ok: false });
        this.ack(message.seq);
        return;
      case 'end':
        this.ack(message.seq);
        return this.end(message);
      default:
        throw new CaptureSessionError('bad-message', 'unknown message');
    }
  }

  private ack(seq: number): void {
    this.post({ t: 'ack', seq });
  }

  private async begin(message: Extract<PageToWorkerPort, { t: 'begin' }>): Promise<void> {
    if (this.state !== 'new') throw new CaptureSessionError('bad-message', 'begin twice');
    const chat = message.chat as unknown;
    if (
      typeof chat !== 'object' || chat === null ||
      typeof (chat as { id?: unknown }).id !== 'string' || typeof (chat as { title?: unknown }).title !== 'string' ||
      typeof message.url !== 'string' || typeof message.startedAt !== 'string' || typeof message.timeZone !== 'string'
    ) {
      this.post({ t: 'refused', reason: 'bad-request' });
      return this.close();
    }
    const finalize = this.deps.finalizer(message.site);
    if (!finalize) {
      this.post({ t: 'refused', reason: 'unknown-site' });
      return this.close();
    }
    const key = await this.deps.getKey();
    if (!key) {
      this.post({ t: 'refused', reason: 'no-key' });
      return this.close();
    }
    const createdAt = this.now().toISOString();
    const writer = await BackupWriter.create(key, { appVersion: this.deps.appVersion, createdAt }, this.deps.writerOptions);
    const { id, title, isGroup } = message.chat;
    this.begun = {
      site: message.site,
      finalize,
      chat: typeof isGroup === 'boolean' ? { id, title, isGroup } : { id, title },
      url: message.url,
      startedAt: message.startedAt,
      timeZone: message.timeZone,
      writer,
      keyId: key.keyId,
      createdAt,
      collected: collect(writer.ciphertext, this.deps.sha256 ?? nobleSha256),
    };
    // A failure shows up at the end; until then nobody waits on it.
    this.begun.collected.catch(() => undefined);
    this.state = 'open';
    this.post({ t: 'ready' });
  }

  private applyOps(ops: unknown): void {
    if (!Array.isArray(ops)) throw new CaptureSessionError('bad-message', 'ops is not a list');
    let count = 0;
    for (const op of ops as ItemOp[]) {
      if (op.op === 'insert') {
        if (!Array.isArray(op.items)) throw new CaptureSessionError('bad-message', 'insert without items');
        for (const item of op.items) checkItem(item);
        count += op.items.length;
      } else if (op.op === 'update') {
        checkItem(op.item);
        count++;
      } else throw new CaptureSessionError('bad-message', 'unknown op');
      if (count > MAX_OPS_ITEMS) throw new CaptureSessionError('bad-message', 'too many items in one message');
      this.sequence.apply(op);
    }
    if (this.sequence.size > MAX_ITEMS) throw new CaptureSessionError('too-large', 'the chat is larger than a capture may be');
  }

  private beginMedia(message: Extract<PageToWorkerPort, { t: 'media-begin' }>): void {
    if (this.current) throw new CaptureSessionError('bad-message', 'media begun twice');
    const { mediaKey, size, sha256 } = message;
    if (typeof mediaKey !== 'string' || !Number.isSafeInteger(size) || size < 0 || size > PORT_LIMITS.maxMediaBytes || !/^[0-9a-f]{64}$/.test(String(sha256))) {
      throw new CaptureSessionError('bad-message', 'bad media header');
    }
    const feed = new MediaFeed();
    const ext = mediaExt(message.name, message.mime, message.url);
    const done = this.begun!.writer.addMedia(feed.stream, ext, { size, sha256 });
    // Awaited at media-end; a failure before that must not go unhandled.
    done.catch(() => undefined);
    this.current = { mediaKey, feed, done, ...(typeof message.mime === 'string' ? { mime: message.mime } : {}) };
  }

  private async end(message: Extract<PageToWorkerPort, { t: 'end' }>): Promise<void> {
    const begun = this.begun!;
    if (this.current) throw new CaptureSessionError('bad-message', 'end inside a media file');
    this.state = 'ending';
    let doc = this.buildExport(begun, message);
    let report = validateExport(doc);
    if (!report.valid) {
      // An adapter bug in a few messages must not cost a capture that may have run for hours.
      doc = leaveOutInvalidMessages(doc, report.errors);
      report = validateExport(doc);
    }
    if (!report.valid) {
      // Where, not what: the values are chat content.
      const where = report.errors.slice(0, 5).map((e) => e.split(':')[0]).join(', ');
      throw new CaptureSessionError('invalid-export', `the captured chat is not a valid export (${report.errors.length} problems at ${where})`);
    }
    await begun.writer.finishCompressed(doc, await gzipExport(doc));
    const { blob, sha256, size } = await begun.collected;
    const complete = doc.capture.reachedStart;
    const { destination } = await this.deps.save({
      blob,
      sha256,
      size,
      keyId: begun.keyId,
      createdAt: begun.createdAt,
      complete,
      messageCount: doc.messages.length,
      title: begun.chat.title,
    });
    this.post({ t: 'saved', size, messageCount: doc.messages.length, complete, destination });
    this.close();
  }

  private buildExport(begun: Begun, end: Extract<PageToWorkerPort, { t: 'end' }>): ChatExport {
    const items = this.sequence.toArray().map((item) => this.withMedia(item));
    // capturedAt dates "Today", "Yesterday" and weekday separators (WhatsApp) from when the capture began.
    const finalized = begun.finalize(items, { timeZone: begun.timeZone, reachedStart: end.reachedStart === true, capturedAt: begun.startedAt });
    const problems = Array.isArray(end.problems) ? end.problems : [];
    const warnings: Warning[] = [...finalized.warnings, ...problems.map((p) => warningFor(p, finalized.messages))];
    const failedMedia = [...this.media.values()].filter((m) => !m.ok).length;
    if (failedMedia > 0) {
      warnings.push({ code: 'media-failed', message: `${failedMedia} images could not be fetched from the page`, count: failedMedia });
    }
    return {
      schema: SCHEMA_VERSION,
      source: { site: begun.site, url: begun.url },
      conversation: {
        title: begun.chat.title,
        ...(begun.chat.id ? { id: begun.chat.id } : {}),
        participants: finalized.participants,
        ...(begun.chat.isGroup === undefined ? {} : { isGroup: begun.chat.isGroup }),
      },
      capture: {
        startedAt: begun.startedAt,
        finishedAt: typeof end.finishedAt === 'string' ? end.finishedAt : this.now().toISOString(),
        reachedStart: end.reachedStart === true,
        stopReason: end.stopReason,
        timeZone: begun.timeZone,
        timestampsAreLocal: finalized.timestampsAreLocal,
        ...(finalized.dateOrder ? { dateOrder: finalized.dateOrder } : {}),
        warnings,
        unparsedLines: [],
        tool: { name: 'chatseal', version: this.deps.appVersion },
      },
      messages: finalized.messages,
    };
  }

  /** Attachments point at the bytes that arrived (or say why none did); the page's media keys go. */
  private withMedia(item: CapturedItem): CapturedItem {
    if (item.type !== 'message' || !item.message.attachments) return item;
    const attachments = item.message.attachments.map((a) => {
      const { mediaKey, ...rest } = a;
      const outcome = mediaKey === undefined ? undefined : this.media.get(mediaKey);
      if (outcome?.ok) {
        const mime = rest.mime ?? outcome.mime;
        return { ...rest, ...(mime ? { mime } : {}), status: 'captured', path: outcome.ref.path, sha256: outcome.ref.sha256, size: outcome.ref.size } satisfies Attachment;
      }
      const { path: _path, ...unstored } = rest;
      if (outcome && !outcome.ok) return { ...unstored, status: 'failed' } satisfies Attachment;
      // No bytes came (images not captured, or never mounted long enough): never "captured".
      return { ...unstored, status: rest.status === 'captured' ? 'not-loaded' : rest.status } satisfies Attachment;
    });
    const message: CapturedMessage = { ...item.message, attachments };
    return { ...item, message };
  }

  private async fail(error: unknown): Promise<void> {
    if (this.state === 'done') return;
    const code = error instanceof CaptureSessionError ? error.code : error instanceof SequenceError ? 'bad-message' : 'write-failed';
    this.deps.onError?.(code, error);
    this.post({ t: 'failed', reason: code });
    await this.abandon();
  }

  /** Cancel, disconnect or failure before the end: abort the writer; nothing is kept. */
  private async abandon(): Promise<void> {
    if (this.state === 'done') return;
    const begun = this.begun;
    this.state = 'done';
    this.current?.feed.cancel();
    if (begun) {
      await begun.writer.abort(new CaptureSessionError('write-failed', 'capture cancelled'));
      await begun.collected.catch(() => undefined);
    }
    this.close();
  }

  private close(): void {
    this.state = 'done';
    try {
      this.port.disconnect();
    } catch {
      // already gone
    }
    this.finish();
  }
}

/** Starts a session on a port from a chat page; the background wires runtime.onConnect to it. */
export function startCaptureSession(port: SessionPort, deps: CaptureSessionDeps): CaptureSession {
  return new CaptureSession(port, deps);
}

/**
 * The export without the messages it rejects (a reply to one of them loses its replyTo), marked
 * incomplete, with a warning that says how many and which fields were wrong (never their values).
 * Returned unchanged when a problem lies outside the messages, or when no message would be left.
 */
export function leaveOutInvalidMessages(doc: ChatExport, errors: readonly string[]): ChatExport {
  let messages = doc.messages;
  let problems = errors;
  const fields = new Set<string>();
  let leftOut = 0;
  let unlinked = 0;
  for (let pass = 0; pass < 4 && problems.length > 0; pass++) {
    const drop = new Set<number>();
    const unlink = new Set<number>();
    for (const problem of problems) {
      const at = /^\/messages\/(\d+)(?:\/([^/:]+))?[^:]*:/.exec(problem);
      if (!at) return doc;
      const index = Number(at[1]);
      const field = at[2] ?? 'message';
      // A reply whose quoted message is not in the export (left out, or never read) keeps its text.
      if (field === 'replyTo' && problem.includes('no message with key')) unlink.add(index);
      else {
        drop.add(index);
        fields.add(field);
      }
    }
    for (const i of unlink) if (!drop.has(i)) unlinked++;
    leftOut += drop.size;
    messages = messages.flatMap((m, i) => {
      if (drop.has(i)) return [];
      if (!unlink.has(i)) return [m];
      const { replyTo: _gone, ...rest } = m;
      return [rest];
    });
    if (messages.length === 0) return doc;
    problems = validateExport({ ...doc, messages }).errors;
  }
  const warnings: Warning[] = [...doc.capture.warnings];
  if (leftOut > 0) {
    warnings.push({
      code: 'messages-left-out',
      message: `${leftOut} messages were left out: they did not form valid messages (${[...fields].sort().join(', ')})`,
      count: leftOut,
    });
  }
  if (unlinked > 0) warnings.push({ code: 'reply-unlinked', message: `${unlinked} replies quote a message that is not in the backup`, count: unlinked });
  const incomplete = leftOut > 0;
  return {
    ...doc,
    capture: {
      ...doc.capture,
      warnings,
      ...(incomplete ? { reachedStart: false, stopReason: doc.capture.reachedStart ? 'error' : doc.capture.stopReason } : {}),
    },
    messages,
  };
}

function checkItem(item: unknown): asserts item is CapturedItem {
  const i = item as { type?: unknown; key?: unknown; message?: unknown; label?: unknown } | null;
  if (typeof i !== 'object' || i === null || typeof i.key !== 'string' || i.key.length === 0 || i.key.length > 512) {
    throw new CaptureSessionError('bad-message', 'an item needs a key');
  }
  if (i.type === 'message' && typeof i.message === 'object' && i.message !== null) return;
  if (i.type === 'day' && typeof i.label === 'string') return;
  throw new CaptureSessionError('bad-message', 'unknown item type');
}

/** The media file's extension: from its name, else its MIME type, else its URL; "bin" otherwise. */
function mediaExt(name: unknown, mime: unknown, url: unknown): string {
  const fromName = typeof name === 'string' ? extensionOf(name) : '';
  if (MEDIA_EXT.test(fromName)) return fromName;
  const byMime: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'image/avif': 'avif',
    'image/svg+xml': 'svg',
    'video/mp4': 'mp4',
    'video/webm': 'webm',
    'audio/ogg': 'ogg',
    'audio/mpeg': 'mp3',
    'application/pdf': 'pdf',
  };
  const fromMime = typeof mime === 'string' ? byMime[mime.toLowerCase()] : undefined;
  if (fromMime) return fromMime;
  if (typeof url === 'string') {
    try {
      const ext = extensionOf(new URL(url).pathname);
      if (MEDIA_EXT.test(ext)) return ext;
    } catch {
      // not a URL
    }
  }
  return 'bin';
}

/** "12 Mar 2024" from a timestamp value's date part (no time-zone arithmetic: the day as written). */
function dayWords(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

function warningFor(problem: CaptureProblem, messages: readonly Message[]): Warning {
  const first = messages[0];
  const at = first ? `capture stopped at ${dayWords(first.timestamp.value)}` : 'capture stopped before any message was read';
  switch (problem.code) {
    case 'page-changed':
      return { code: 'page-changed', message: `This page changed; ${at}` };
    case 'history-stalled':
      return { code: 'history-stalled', message: `Older messages stopped loading (the network may be slow); ${at}` };
    case 'history-unavailable':
      return { code: 'history-unavailable', message: `The chat app would not load older messages ("${String(problem.text).slice(0, 200)}"); ${at}` };
    case 'history-range':
      // Complete for the range the user chose, but not the whole chat: reachedStart stays false.
      return { code: 'history-range', message: `Only messages since ${dayWords(String(problem.since))} were asked for; ${at}` };
    case 'rows-not-read':
      return { code: 'rows-not-read', message: `${problem.count} messages on the page could not be read`, count: problem.count };
    case 'chat-closed':
      return { code: 'chat-closed', message: `The chat was closed; ${at}` };
    case 'start-inferred':
      return {
        code: 'start-inferred',
        message: 'The page marks no start of the chat: it was taken to be where older messages stopped coming, twice, after a nudge',
      };
    default:
      return { code: 'capture-problem', message: at };
  }
}

/** gzip of JSON.stringify(doc), written message by message (messages is the document's last field). */
export async function gzipExport(doc: ChatExport): Promise<Uint8Array> {
  const { messages, ...head } = doc;
  const open = JSON.stringify({ ...head, messages: [] });
  const gz = new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;
  const out = new Response(gz.readable).arrayBuffer();
  const writer = gz.writable.getWriter();
  await writer.write(utf8Encode(open.slice(0, -2))); // up to and including "messages":[
  for (let i = 0; i < messages.length; i += GZIP_MESSAGES) {
    const part = messages.slice(i, i + GZIP_MESSAGES).map((m) => JSON.stringify(m)).join(',');
    await writer.write(utf8Encode(i === 0 ? part : `,${part}`));
  }
  await writer.write(utf8Encode(']}'));
  await writer.close();
  return new Uint8Array(await out);
}

/** Reads the writer's ciphertext into a Blob (folded as it grows), hashing it on the way. */
async function collect(ciphertext: ReadableStream<Uint8Array>, sha256: Sha256Factory): Promise<{ blob: Blob; sha256: string; size: number }> {
  const sink = new CiphertextBlob();
  const hash = sha256();
  const reader = ciphertext.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    sink.push(value);
  }
  return { blob: sink.finish(), sha256: toHex(hash.digest()), size: sink.size };
}

/**
 * One media file's bytes as a stream the writer pulls from. A piece is acknowledged to the page
 * only when the writer takes it, so unwritten media never pile up in the worker.
 */
class MediaFeed {
  private readonly queue: ({ bytes: Uint8Array; ack: () => void } | 'end')[] = [];
  private wake: (() => void) | null = null;
  private cancelled = false;
  readonly stream: ReadableStream<Uint8Array>;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
          const next = this.queue.shift()!;
          if (next === 'end') {
            controller.close();
            return;
          }
          controller.enqueue(next.bytes);
          next.ack();
        },
        cancel: () => this.cancel(),
      },
      { highWaterMark: 0 },
    );
  }

  push(bytes: Uint8Array, ack: () => void): void {
    // A writer that already has these bytes (same hash) cancels: take the rest at once.
    if (this.cancelled) return ack();
    this.queue.push({ bytes, ack });
    this.poke();
  }

  end(): void {
    if (this.cancelled) return;
    this.queue.push('end');
    this.poke();
  }

  cancel(): void {
    this.cancelled = true;
    for (const entry of this.queue.splice(0)) if (entry !== 'end') entry.ack();
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
