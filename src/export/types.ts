// The chatseal/1 export document in TypeScript. The JSON Schema (chatseal-1.schema.json) and
// docs/EXPORT-SCHEMA.md describe the same shape; change all three together. A new field or a new
// enum value means a new schema version ("chatseal/2"), because chatseal/1 documents are strict
// (no unknown properties) and readers must be able to trust that.

export const SCHEMA_VERSION = 'chatseal/1';

export type SourceSite = 'whatsapp-export' | 'whatsapp' | 'telegram-k' | 'telegram-a' | 'discord';

export interface SourceFile {
  /** The file the user picked (the .txt, or the .zip that held it). */
  name: string;
  /** Bytes of that file, when the importer saw the bytes. */
  size?: number;
  /** Lowercase hex SHA-256 of that file, when the importer saw the bytes. */
  sha256?: string;
  /** Which phone app wrote it, judged from its line format. */
  platform: 'ios' | 'android';
}

export interface Source {
  site: SourceSite;
  /** Page the chat was captured from (live capture only). */
  url?: string;
  /** Version string of the chat web app, when the page reveals one. */
  appVersionSeen?: string;
  file?: SourceFile;
}

export interface Participant {
  name: string;
  /** Site-specific id (phone JID, Telegram peer id, Discord user id), when known. */
  id?: string;
  isMe?: boolean;
}

export interface Conversation {
  title: string;
  id?: string;
  participants: Participant[];
  /** Absent when the source gives no evidence either way. */
  isGroup?: boolean;
}

export type StopReason =
  | 'end-of-file' // an imported file was read to its end
  | 'reached-start' // live capture scrolled to the first message of the chat
  | 'history-unavailable' // the site refuses to load older messages (e.g. "use your phone")
  | 'user-stopped'
  | 'message-limit'
  | 'time-limit'
  | 'navigated-away'
  | 'error';

export interface Warning {
  /** Stable, machine-readable (kebab-case); `message` is for people. */
  code: string;
  message: string;
  /** How many items the warning covers, when it covers several. */
  count?: number;
}

export interface UnparsedLine {
  /** 1-based line number in the source file. */
  line: number;
  text: string;
  /** Key of the message whose text also holds this line, when it was kept in place. */
  keptIn?: string;
}

export interface Capture {
  /** Real instants (UTC, `Z`), from the clock of the machine that made the export. */
  startedAt: string;
  finishedAt: string;
  /** The export begins at the first message the source offered. */
  reachedStart: boolean;
  stopReason: StopReason;
  /** IANA zone the message times were taken in, or null when nobody knows. */
  timeZone: string | null;
  /** Message timestamps are wall-clock times without an offset. */
  timestampsAreLocal: boolean;
  /** How the source wrote dates, when the source wrote them as text. */
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  warnings: Warning[];
  unparsedLines: UnparsedLine[];
  tool: { name: 'chatseal'; version: string };
}

export type TimestampPrecision = 'second' | 'minute' | 'day';

export type TimestampSource =
  | 'export-line' // the header of a line in an exported .txt
  | 'pre-plain-text' // WhatsApp Web's data-pre-plain-text attribute
  | 'day-separator' // only the day, from a date chip between messages
  | 'data-timestamp' // a unix time in a data attribute (Telegram K)
  | 'datetime-attr' // <time datetime="…"> (Discord)
  | 'title-attr' // a full date in a hover title (Telegram A)
  | 'visible-time' // the time printed in the bubble, combined with the day separator
  | 'inferred'; // carried over from a neighbouring message

export interface Timestamp {
  /**
   * ISO 8601 with exactly the digits that are known: `2026-11-26` (day), `2026-11-26T10:15`
   * (minute), `2026-11-26T10:15:03` or `…:03.250` (second). Without an offset when the capture's
   * timestampsAreLocal is true; with `Z` or `±HH:MM` otherwise.
   */
  value: string;
  precision: TimestampPrecision;
  source: TimestampSource;
}

export type Direction = 'in' | 'out' | 'system' | 'unknown';

export type MessageKind =
  | 'text'
  | 'media'
  | 'system'
  | 'deleted'
  | 'sticker'
  | 'call'
  | 'poll'
  | 'location'
  | 'contact'
  | 'unknown';

export type AttachmentStatus =
  | 'captured' // the bytes are in the backup at `path`
  | 'thumbnail-only' // only a preview image was stored
  | 'not-loaded' // known to exist, bytes not available to the capture
  | 'expired' // the site says the file is gone
  | 'failed' // fetching the bytes failed
  | 'omitted'; // the source left it out on purpose ("<Media omitted>")

export type MediaType =
  | 'image'
  | 'video'
  | 'gif'
  | 'audio'
  | 'voice'
  | 'sticker'
  | 'document'
  | 'contact'
  | 'other';

export interface Attachment {
  name?: string;
  mediaType?: MediaType;
  mime?: string;
  size?: number;
  sha256?: string;
  /** `media/<sha256>.<ext>` inside the backup; set exactly when status is 'captured'. */
  path?: string;
  status: AttachmentStatus;
}

export interface Reaction {
  emoji: string;
  count: number;
  senders?: string[];
}

export interface Sender {
  name: string;
  id?: string;
}

export interface Message {
  /** Stable and unique within the export; what replyTo and the backup manifest refer to. */
  key: string;
  /** The site's own message id, when it shows one. */
  siteId?: string;
  timestamp: Timestamp;
  direction: Direction;
  sender?: Sender;
  kind: MessageKind;
  text?: string;
  /** Absent: let the reader decide from the text (like dir="auto"). */
  textDirection?: 'ltr' | 'rtl' | 'auto';
  /** Key of the message this one answers, when that message is in this export. */
  replyTo?: string;
  replyPreview?: { sender?: string; text?: string };
  forwarded?: boolean;
  forwardedFrom?: string;
  edited?: boolean;
  reactions?: Reaction[];
  links?: string[];
  attachments?: Attachment[];
}

export interface ChatExport {
  schema: typeof SCHEMA_VERSION;
  source: Source;
  conversation: Conversation;
  capture: Capture;
  messages: Message[];
}
