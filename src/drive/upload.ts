// Drive's resumable upload, built to survive the MV3 service worker: chunks sized so each finishes
// well within 30 s, a checkpoint { sessionUrl, offset, chunkSize } after every chunk Drive
// confirmed (the outbox writes it to IndexedDB), and a status query (`Content-Range: bytes */N`)
// before continuing after any failure or restart, because only Drive knows how much it kept: its
// `Range` may be less than we sent. A lost session (404/410) starts over. At the end Drive's
// sha256Checksum must equal the SHA-256 the outbox computed of the ciphertext.
import { backoffDelay } from './backoff';
import { ChunkSizer, type ChunkSizeOptions } from './chunk-size';
import { FILE_FIELDS, readJson, type DriveClient, type DriveFile } from './client';
import { DriveError } from './errors';

export interface UploadMetadata {
  name: string;
  parents?: string[];
  mimeType?: string;
  appProperties?: Record<string, string>;
}

/** Where an upload stands; enough to continue it after the worker or the browser restarted. */
export interface UploadCheckpoint {
  sessionUrl: string;
  /** Bytes Drive confirmed (the next chunk starts here). */
  offset: number;
  /** The chunk size the measured speed had reached. */
  chunkSize: number;
}

export interface UploadProgress {
  /** Bytes Drive confirmed. */
  confirmed: number;
  total: number;
  /** Measured upload speed, once a chunk has been timed. */
  bytesPerSecond?: number;
}

export interface UploadStats {
  chunks: number;
  /** Every body byte we put on the wire, re-sent ones included. */
  bytesSent: number;
  /** bytesSent beyond the file's size: what failures and short Ranges cost. */
  bytesResent: number;
  statusQueries: number;
  /** New sessions started after the previous one was lost. */
  restarts: number;
  retries: number;
}

export interface UploadOptions {
  blob: Blob;
  metadata: UploadMetadata;
  /** SHA-256 of `blob` (hex), computed when the backup was made; Drive's must match. */
  sha256: string;
  /** Continue this session (from the outbox) instead of starting one. */
  resume?: UploadCheckpoint;
  /** After the session starts and after each chunk Drive confirmed; awaited before the next. */
  onCheckpoint?: (checkpoint: UploadCheckpoint) => void | Promise<void>;
  onProgress?: (progress: UploadProgress) => void;
  /** Pause / cancel: the upload stops and the signal's reason is thrown. */
  signal?: AbortSignal;
  chunkSize?: ChunkSizeOptions;
  /** Lost sessions to start over after before giving up (default 3). */
  maxRestarts?: number;
  /**
   * A chunk without an answer for this long is abandoned as a network failure (then a status
   * query, a smaller chunk). Chrome stops a worker whose fetch waits 30 s anyway; this bounds a
   * stalled connection where nothing else would (Firefox's event page, Node).
   */
  chunkTimeoutMs?: number;
}

export const DEFAULT_CHUNK_TIMEOUT_MS = 60_000;

export interface UploadResult {
  file: DriveFile;
  stats: UploadStats;
}

/** What Drive said to a chunk or a status query. */
export type SessionState = { done: false; offset: number } | { done: true; file: DriveFile };

const RESUME_INCOMPLETE = 308;
const isSessionAnswer = (status: number): boolean => status === RESUME_INCOMPLETE || status === 200 || status === 201;

/** Starts a resumable session for `size` bytes; returns the session URL Drive gave in Location. */
export async function startSession(client: DriveClient, metadata: UploadMetadata, size: number, signal?: AbortSignal): Promise<string> {
  const response = await client.send(
    'Starting the upload',
    client.url('/upload/drive/v3/files', { uploadType: 'resumable', fields: FILE_FIELDS }),
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'X-Upload-Content-Type': metadata.mimeType ?? 'application/octet-stream',
        'X-Upload-Content-Length': String(size),
      },
      body: JSON.stringify({ mimeType: 'application/octet-stream', ...metadata }),
    },
    signal === undefined ? {} : { signal },
  );
  await response.body?.cancel();
  const location = response.headers.get('Location');
  if (location === null || location === '') {
    throw new DriveError('server', 'Starting the upload: Drive answered without a session URL (Location).', { status: response.status });
  }
  return new URL(location, client.apiBase).toString();
}

/** Reads a 308's `Range: bytes=0-N` as the next offset; no Range means Drive kept nothing yet. */
function confirmedOffset(response: Response, total: number): number {
  const range = response.headers.get('Range');
  if (range === null) return 0;
  const match = /^bytes=0-(\d+)$/u.exec(range.trim());
  if (match?.[1] === undefined) throw new DriveError('server', `Drive answered with an unreadable Range: ${range}`, { status: response.status });
  return Math.min(total, Number(match[1]) + 1);
}

async function sessionState(response: Response, total: number, what: string, signal?: AbortSignal): Promise<SessionState> {
  if (response.status === RESUME_INCOMPLETE) {
    await response.body?.cancel();
    return { done: false, offset: confirmedOffset(response, total) };
  }
  // Cut short here, the upload is complete in Drive: the status query that follows says so.
  return { done: true, file: await readJson<DriveFile>(response, what, signal) };
}

/** Asks Drive how much of the session it has (an empty PUT with `Content-Range: bytes *\/total`). */
export async function queryStatus(client: DriveClient, sessionUrl: string, total: number, signal?: AbortSignal): Promise<SessionState> {
  const what = 'Asking Drive how much of the upload arrived';
  const response = await client.send(
    what,
    sessionUrl,
    { method: 'PUT', headers: { 'Content-Range': `bytes */${total}` } },
    { accept: isSessionAnswer, onSession: true, ...(signal === undefined ? {} : { signal }) },
  );
  return sessionState(response, total, what, signal);
}

/**
 * Sends bytes [start, end) of `blob` to the session. A 401 refreshes the token and throws (an
 * 'auth' DriveError with `tokenRefreshed`) rather than sending the bytes again blind.
 */
export async function sendChunk(
  client: DriveClient,
  sessionUrl: string,
  blob: Blob,
  start: number,
  end: number,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<SessionState> {
  const total = blob.size;
  const contentRange = end > start ? `bytes ${start}-${end - 1}/${total}` : `bytes */${total}`;
  const what = 'Uploading to Google Drive';
  const response = await client.send(
    what,
    sessionUrl,
    { method: 'PUT', headers: { 'Content-Range': contentRange }, body: blob.slice(start, end) },
    {
      accept: isSessionAnswer,
      onSession: true,
      resendAfterRefresh: false,
      ...(signal === undefined ? {} : { signal }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  );
  return sessionState(response, total, what, signal);
}

/**
 * Uploads `blob` (resumable, chunked) and checks Drive's sha256Checksum. Retryable failures are
 * retried with backoff, each followed by a status query; the count starts again whenever Drive
 * confirmed more bytes. A chunk refused with 400 is followed by one status query and is not sent
 * again: only if Drive stands elsewhere does the upload continue, from there. When retries run out the last DriveError is thrown (still `retryable`:
 * the outbox tries again later from its checkpoint). A checksum mismatch deletes the stored file
 * (best effort) and throws 'checksum-mismatch'.
 */
export async function uploadResumable(client: DriveClient, options: UploadOptions): Promise<UploadResult> {
  const { blob, signal } = options;
  const total = blob.size;
  const sizer = new ChunkSizer({ ...options.chunkSize, ...(options.resume === undefined ? {} : { initialBytes: options.resume.chunkSize }) });
  const stats: UploadStats = { chunks: 0, bytesSent: 0, bytesResent: 0, statusQueries: 0, restarts: 0, retries: 0 };
  const maxRestarts = options.maxRestarts ?? 3;
  let sessionUrl = options.resume?.sessionUrl;
  let offset = 0;
  // After a restart or a failure Drive is asked first: our offset may be ahead of what it kept.
  let mustAsk = sessionUrl !== undefined;
  let failures = 0;
  let file: DriveFile | undefined;
  // What Drive already had when this call began; bytes sent beyond the rest count as re-sent.
  let startOffset: number | undefined;
  // A chunk Drive refused with 400, and where: maybe our offset is not Drive's (another context
  // sent bytes on this session). One status query tells; at the same offset the 400 stands.
  let refused: { error: DriveError; offset: number } | undefined;
  // Whether a chunk's 401 already cost a token refresh (a second one is an 'auth' failure).
  let tokenRefreshed = false;

  const checkpoint = async (): Promise<void> => {
    if (sessionUrl !== undefined) await options.onCheckpoint?.({ sessionUrl, offset, chunkSize: sizer.size });
  };
  const progress = (): void => {
    const p: UploadProgress = { confirmed: offset, total };
    const speed = sizer.bytesPerSecond;
    if (speed !== undefined) p.bytesPerSecond = speed;
    options.onProgress?.(p);
  };

  while (file === undefined) {
    signal?.throwIfAborted();
    try {
      if (sessionUrl === undefined) {
        sessionUrl = await startSession(client, options.metadata, total, signal);
        offset = 0;
        startOffset ??= 0;
        mustAsk = false;
        await checkpoint();
      }
      if (mustAsk) {
        stats.statusQueries++;
        const state = await queryStatus(client, sessionUrl, total, signal);
        mustAsk = false;
        if (state.done) {
          file = state.file;
          break;
        }
        if (state.offset > offset) failures = 0;
        if (refused !== undefined && state.offset === refused.offset) throw refused.error;
        refused = undefined;
        offset = state.offset;
        startOffset ??= offset;
        progress();
      }
      const end = Math.min(total, offset + sizer.size);
      const started = client.now();
      const sent = end - offset;
      stats.chunks++;
      stats.bytesSent += sent;
      let state: SessionState;
      try {
        state = await sendChunk(client, sessionUrl, blob, offset, end, signal, options.chunkTimeoutMs ?? DEFAULT_CHUNK_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof DriveError && (error.kind === 'network' || error.kind === 'server')) sizer.failed();
        if (error instanceof DriveError && error.tokenRefreshed === true && !tokenRefreshed) {
          // The token expired mid-upload and is renewed: ask Drive, then carry on (one refresh).
          tokenRefreshed = true;
          mustAsk = true;
          continue;
        }
        if (error instanceof DriveError && error.kind === 'bad-request' && refused === undefined) {
          refused = { error, offset };
          mustAsk = true;
          continue;
        }
        throw error;
      }
      sizer.record(sent, client.now() - started);
      // Tokens live an hour; a long upload may need a refresh again later.
      tokenRefreshed = false;
      if (state.done) {
        offset = total;
        file = state.file;
        break;
      }
      if (state.offset > offset) failures = 0;
      offset = state.offset;
      // Drive kept less than the chunk: before sending the rest again, ask where it stands (a
      // 308 from a proxy or a session another context also writes to could say less than Drive
      // holds), so no byte is re-sent on a guess.
      if (offset < end) mustAsk = true;
      await checkpoint();
      progress();
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof DriveError)) throw error;
      if (error.kind === 'session-lost') {
        if (stats.restarts >= maxRestarts) throw error;
        stats.restarts++;
        sessionUrl = undefined;
        continue;
      }
      if (!error.retryable || failures >= client.backoff.maxRetries) throw error;
      const delay = backoffDelay(failures, client.random, client.backoff, error.retryAfterMs);
      failures++;
      stats.retries++;
      await client.sleep(delay, signal);
      mustAsk = sessionUrl !== undefined;
    }
  }

  stats.bytesResent = Math.max(0, stats.bytesSent - (total - (startOffset ?? 0)));
  offset = total;
  progress();
  return { file: await verifyChecksum(client, file, options.sha256, signal), stats };
}

/** Drive's SHA-256 of what it stored against ours; reads it with files.get when the answer lacked it. */
async function verifyChecksum(client: DriveClient, file: DriveFile, expected: string, signal?: AbortSignal): Promise<DriveFile> {
  let stored = file;
  if (stored.sha256Checksum === undefined) stored = { ...stored, ...(await client.get(file.id, FILE_FIELDS, signal)) };
  if (stored.sha256Checksum?.toLowerCase() === expected.toLowerCase()) return stored;
  try {
    await client.remove(file.id, signal);
  } catch {
    // Left in Drive; the error below names it, and a listing shows it without our checksum.
  }
  const found = stored.sha256Checksum === undefined ? 'no checksum' : `SHA-256 ${stored.sha256Checksum}`;
  throw new DriveError('checksum-mismatch', `Google Drive stored different bytes than ChatSeal sent (${found}, expected ${expected}).`, { fileId: file.id });
}
