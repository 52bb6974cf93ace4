// manifest.json and manifest.mac: what a backup holds, authenticated with the backup key's MAC key
// (HMAC-SHA-256, derived from the seed, src/crypto/keys.ts deriveMacKey). The manifest has one
// encoding: the fields below in this order, JSON.stringify with two-space indentation, then a
// newline. The reader re-encodes what it parsed and requires the same bytes, so nothing can hide
// in whitespace, key order or extra fields. manifest.mac is the MAC as 64 lowercase hex digits and
// a newline.
import { asBufferSource, fromHex, toHex, utf8Decode, utf8Encode } from '../crypto/bytes';

export const BACKUP_FORMAT = 'chatseal-backup/1';
export const APP_NAME = 'ChatSeal';

/** What the manifest reads from a chatseal/1 export; a structural subset of src/export/types.ts. */
export interface ManifestChat {
  source: { site: string };
  conversation: { title: string; id?: string };
  messages: ReadonlyArray<{ key: string }>;
  capture: { reachedStart: boolean };
}

export interface ManifestEntry {
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the entry's bytes. */
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  app: { name: typeof APP_NAME; version: string };
  /** ISO 8601 UTC with milliseconds (Date.prototype.toISOString); also every tar entry's mtime. */
  createdAt: string;
  source: { site: string };
  chat: { title: string; id: string | null };
  messages: { count: number; firstKey: string | null; lastKey: string | null };
  capture: { reachedStart: boolean };
  /** Every tar entry before manifest.json, in order: media/…, then chat.json.gz. */
  entries: ManifestEntry[];
}

export const MANIFEST_NAME = 'manifest.json';
export const MAC_NAME = 'manifest.mac';
export const CHAT_NAME = 'chat.json.gz';
export const PADDING_NAME = 'padding';
/** A manifest larger than this is refused (about 500,000 media entries). */
export const MAX_MANIFEST_SIZE = 64 * 1024 * 1024;
export const MAC_ENTRY_SIZE = 65;

export const MEDIA_NAME = /^media\/[0-9a-f]{64}\.[a-z0-9]{1,10}$/;

/** Normalises a creation time to the manifest's form; throws on anything Date cannot read. */
export function normaliseCreatedAt(value: string | Date): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return d.toISOString();
}

/** Seconds since the epoch for the tar headers' mtime. */
export function mtimeOf(createdAt: string): number {
  return Math.floor(Date.parse(createdAt) / 1000);
}

export function buildManifest(chat: ManifestChat, appVersion: string, createdAt: string, entries: ManifestEntry[]): Manifest {
  const first = chat.messages[0];
  const last = chat.messages[chat.messages.length - 1];
  return {
    format: BACKUP_FORMAT,
    app: { name: APP_NAME, version: appVersion },
    createdAt: normaliseCreatedAt(createdAt),
    source: { site: chat.source.site },
    chat: { title: chat.conversation.title, id: chat.conversation.id ?? null },
    messages: { count: chat.messages.length, firstKey: first?.key ?? null, lastKey: last?.key ?? null },
    capture: { reachedStart: chat.capture.reachedStart },
    entries: entries.map((e) => ({ name: e.name, size: e.size, sha256: e.sha256 })),
  };
}

export function encodeManifest(m: Manifest): Uint8Array {
  // Rebuilt field by field so the order is this function's, whatever object it is given.
  const ordered: Manifest = {
    format: m.format,
    app: { name: m.app.name, version: m.app.version },
    createdAt: m.createdAt,
    source: { site: m.source.site },
    chat: { title: m.chat.title, id: m.chat.id },
    messages: { count: m.messages.count, firstKey: m.messages.firstKey, lastKey: m.messages.lastKey },
    capture: { reachedStart: m.capture.reachedStart },
    entries: m.entries.map((e) => ({ name: e.name, size: e.size, sha256: e.sha256 })),
  };
  return utf8Encode(JSON.stringify(ordered, null, 2) + '\n');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/**
 * Parses manifest bytes that already passed the MAC check; returns the manifest or what is wrong.
 * Checks types, the format version and the one encoding.
 */
export function parseManifest(bytes: Uint8Array): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch {
    return 'manifest.json is not UTF-8 JSON';
  }
  if (!isObject(value)) return 'manifest.json is not an object';
  const { format, app, createdAt, source, chat, messages, capture, entries } = value;
  if (format !== BACKUP_FORMAT) return `unsupported backup format ${JSON.stringify(format)}`;
  if (!isObject(app) || app.name !== APP_NAME || !isString(app.version)) return 'manifest.json: bad "app"';
  if (!isString(createdAt) || Number.isNaN(Date.parse(createdAt)) || normaliseCreatedAt(createdAt) !== createdAt) {
    return 'manifest.json: bad "createdAt"';
  }
  if (!isObject(source) || !isString(source.site)) return 'manifest.json: bad "source"';
  if (!isObject(chat) || !isString(chat.title) || !isNullableString(chat.id)) return 'manifest.json: bad "chat"';
  if (
    !isObject(messages) ||
    !isCount(messages.count) ||
    !isNullableString(messages.firstKey) ||
    !isNullableString(messages.lastKey) ||
    (messages.count === 0) !== (messages.firstKey === null) ||
    (messages.count === 0) !== (messages.lastKey === null)
  ) {
    return 'manifest.json: bad "messages"';
  }
  if (!isObject(capture) || typeof capture.reachedStart !== 'boolean') return 'manifest.json: bad "capture"';
  if (!Array.isArray(entries)) return 'manifest.json: bad "entries"';
  for (const e of entries as unknown[]) {
    if (!isObject(e) || !isString(e.name) || !isCount(e.size) || !isString(e.sha256) || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      return 'manifest.json: bad entry';
    }
  }
  const manifest = value as unknown as Manifest;
  const again = encodeManifest(manifest);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    return 'manifest.json is not in its one encoding (field order, spacing or extra fields)';
  }
  return manifest;
}

export async function signManifest(macKey: CryptoKey, manifestBytes: Uint8Array): Promise<Uint8Array> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, asBufferSource(manifestBytes)));
  return utf8Encode(toHex(mac) + '\n');
}

/** WebCrypto's HMAC verify (constant time) of manifest.mac's bytes; false for any other shape. */
export async function verifyManifestMac(macKey: CryptoKey, manifestBytes: Uint8Array, macEntry: Uint8Array): Promise<boolean> {
  if (macEntry.length !== MAC_ENTRY_SIZE || macEntry[64] !== 0x0a) return false;
  let mac: Uint8Array;
  try {
    const hex = utf8Decode(macEntry.subarray(0, 64));
    if (!/^[0-9a-f]{64}$/.test(hex)) return false;
    mac = fromHex(hex);
  } catch {
    return false;
  }
  return crypto.subtle.verify('HMAC', macKey, asBufferSource(mac), asBufferSource(manifestBytes));
}
