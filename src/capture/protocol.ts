// The capture port: one long-lived runtime port (name 'capture') per capture, from the chat page's
// content script to the worker. The page streams what it reads; the worker keeps it in memory,
// writes media into the encrypted backup as they arrive and, at the end, finishes the backup.
//
// Every message is plain JSON (Chrome's channel is JSON-like). Messages that carry data have a
// `seq`; the worker acknowledges each one once it has taken it in (media pieces: once the backup
// writer has pulled them), and the page keeps at most a few unacknowledged, so the page can never
// run ahead of the worker by more than a bounded amount. The page never sees a key.
import type { StopReason } from '../export/types';
import type { CapturedItem, LiveSite } from './adapter';

export const CAPTURE_PORT = 'capture';

/** Limits of one message (the page splits to fit; the worker refuses what does not fit). */
export const PORT_LIMITS = {
  /** Items (inserted or updated) per 'items' message. */
  maxItems: 200,
  /** JSON characters of the items of one 'items' message. */
  maxItemChars: 256 * 1024,
  /** Bytes of media in one 'media-data' message (before base64). */
  maxMediaPiece: 192 * 1024,
  /** Largest media file the page sends; bigger ones are recorded as not loaded. */
  maxMediaBytes: 64 * 1024 * 1024,
  /** Messages the page may have sent and not yet seen acknowledged. */
  window: 4,
  /**
   * The page pings this often while the port is open. Chromium stops an idle service worker after
   * 30 s, closing the port; a message on it keeps the worker alive (Chrome 114+), and a capture can
   * be quiet for longer: paused by the user, waiting for a slow batch, or the worker encrypting.
   */
  pingMs: 20_000,
} as const;

/** Where a run of new items goes in the worker's ordered sequence. */
export type Placement = { after: string } | { before: string } | { at: 'end' };

export type ItemOp =
  /** New items, oldest first, placed as one run. */
  | { op: 'insert'; place: Placement; items: CapturedItem[] }
  /** A known item read again with more in it (late content, an edit): replaces the earlier one. */
  | { op: 'update'; item: CapturedItem };

/** Why a capture ended short of the start, or what it could not read; the worker words it. */
export type CaptureProblem =
  | { code: 'page-changed'; anchor: string }
  | { code: 'history-stalled' }
  | { code: 'history-unavailable'; text: string }
  /** The history range the user chose ("only messages since <since>", YYYY-MM-DD) was reached. */
  | { code: 'history-range'; since: string }
  | { code: 'rows-not-read'; count: number }
  | { code: 'chat-closed' }
  /** Reached a start the page does not mark (Telegram): inferred from older history staying away. */
  | { code: 'start-inferred' };

export interface BeginMessage {
  t: 'begin';
  site: LiveSite;
  chat: { id: string; title: string; isGroup?: boolean };
  url: string;
  /** ISO, UTC. */
  startedAt: string;
  /** IANA zone of the page (Intl). */
  timeZone: string;
}

export type PageToWorkerPort =
  | BeginMessage
  | { t: 'items'; seq: number; ops: ItemOp[] }
  | { t: 'media-begin'; seq: number; mediaKey: string; size: number; sha256: string; mime?: string; name?: string; url?: string }
  | { t: 'media-data'; seq: number; mediaKey: string; base64: string }
  | { t: 'media-end'; seq: number; mediaKey: string }
  /** The bytes could not be fetched (a revoked blob: URL, a network error, too large). */
  | { t: 'media-failed'; seq: number; mediaKey: string; reason: 'fetch-failed' | 'too-large' }
  | {
      t: 'end';
      seq: number;
      stopReason: StopReason;
      reachedStart: boolean;
      /** ISO, UTC. */
      finishedAt: string;
      problems: CaptureProblem[];
    }
  /** Nothing is kept: the worker aborts the backup. */
  | { t: 'cancel' }
  /** Keeps the worker alive (PORT_LIMITS.pingMs); no answer, no seq. */
  | { t: 'ping' };

/** Where the finished backup went: the outbox uploads it, or waits for Google Drive. */
export type SavedDestination = 'uploading' | 'waiting-for-drive';

export type RefusalReason = 'no-key' | 'bad-request' | 'unknown-site';

export type WorkerToPagePort =
  | { t: 'ready' }
  | { t: 'refused'; reason: RefusalReason }
  | { t: 'ack'; seq: number }
  | { t: 'saved'; size: number; messageCount: number; complete: boolean; destination: SavedDestination }
  /** The backup could not be made; nothing was kept. `reason` is a code, never chat content. */
  | { t: 'failed'; reason: string };
