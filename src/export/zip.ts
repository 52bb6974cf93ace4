// Reading a .zip from a Blob (a picked File, or fs.openAsBlob in the CLI) without loading it whole:
// the central directory comes from the file's tail, each entry's bytes through Blob.slice, inflated
// as a stream (DecompressionStream 'deflate-raw'), and checked against the size and CRC-32 the
// directory records once the entry ends. A WhatsApp export with media can be hundreds of MiB; only
// the directory and the entry being read are ever in memory. ZIP64 (archives over 4 GiB, or with
// more than 65,535 entries) is read; split archives, encrypted entries and compression methods
// other than stored and deflate are refused with a ZipError saying so.

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

export interface ZipEntry {
  /** Path inside the archive, as recorded (folders end with "/"). */
  name: string;
  /** Uncompressed size. */
  size: number;
  compressedSize: number;
  crc32: number;
  /** 0 stored, 8 deflate; anything else is refused when read. */
  method: number;
  encrypted: boolean;
  /** Offset of the entry's local header. */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
/** A directory this large would describe millions of files: not an export, and not worth the memory. */
export const MAX_DIRECTORY_SIZE = 64 * 1024 * 1024;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

async function bytesAt(blob: Blob, start: number, end: number): Promise<DataView> {
  return new DataView(await blob.slice(start, end).arrayBuffer());
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('a ZIP64 size or offset is too large to be real');
  return Number(value);
}

/** Where the central directory is and how many entries it lists (ZIP64 where the archive uses it). */
async function findDirectory(blob: Blob): Promise<{ offset: number; size: number; entries: number }> {
  if (blob.size < EOCD_SIZE) throw new ZipError('the file is too short to be a zip archive');
  const tailStart = Math.max(0, blob.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await bytesAt(blob, tailStart, blob.size);
  // The end record is followed only by its comment; search backwards for one whose comment fits.
  let at = -1;
  for (let i = tail.byteLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD && i + EOCD_SIZE + tail.getUint16(i + 20, true) <= tail.byteLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError('no end of central directory record (not a zip, or cut short)');
  const end = tailStart + at;
  if (tail.getUint16(at + 4, true) !== 0 || tail.getUint16(at + 6, true) !== 0) {
    throw new ZipError('the archive is split over several files');
  }
  let entries = tail.getUint16(at + 10, true);
  let size = tail.getUint32(at + 12, true);
  let offset = tail.getUint32(at + 16, true);
  let directoryEnd = end;

  const locatorAt = end - 20;
  const hasLocator = locatorAt >= 0 && (await bytesAt(blob, locatorAt, locatorAt + 4)).getUint32(0, true) === ZIP64_LOCATOR;
  if (hasLocator) {
    const locator = await bytesAt(blob, locatorAt, end);
    const recordAt = u64(locator, 8);
    if (recordAt + 56 > locatorAt) throw new ZipError('the ZIP64 end record lies outside the file');
    const record = await bytesAt(blob, recordAt, recordAt + 56);
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipError('the ZIP64 end record is missing');
    if (record.getUint32(16, true) !== 0 || record.getUint32(20, true) !== 0) throw new ZipError('the archive is split over several files');
    entries = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
    directoryEnd = recordAt;
  } else if (entries === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    throw new ZipError('the archive needs ZIP64 records that are missing');
  }
  if (offset + size > directoryEnd) throw new ZipError('the central directory lies outside the file (cut short?)');
  if (size > MAX_DIRECTORY_SIZE) throw new ZipError('the central directory is implausibly large');
  return { offset, size, entries };
}

// Code page 437, the zip format's default for names not flagged as UTF-8 (bytes 0x80-0xFF).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A name flagged as UTF-8 is UTF-8. Unflagged names are CP437 by the format, but phones and
 * archivers often write UTF-8 without the flag, so valid UTF-8 is taken as such first.
 */
export function decodeZipName(bytes: Uint8Array, flaggedUtf8: boolean): string {
  try {
    return utf8.decode(bytes);
  } catch {
    if (flaggedUtf8) return new TextDecoder('utf-8').decode(bytes);
    return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join('');
  }
}

/** The ZIP64 extra field's values, in the order the format gives, for the fields marked 0xFFFFFFFF. */
function applyZip64(extra: DataView, fields: { size: number; compressedSize: number; headerOffset: number }): void {
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(at, true);
    const length = extra.getUint16(at + 2, true);
    if (id === 0x0001) {
      let p = at + 4;
      const next = (): number => {
        if (p + 8 > at + 4 + length) throw new ZipError('a ZIP64 extra field is too short');
        const v = u64(extra, p);
        p += 8;
        return v;
      };
      if (fields.size === U32_MAX) fields.size = next();
      if (fields.compressedSize === U32_MAX) fields.compressedSize = next();
      if (fields.headerOffset === U32_MAX) fields.headerOffset = next();
      return;
    }
    at += 4 + length;
  }
}

/** Every entry the central directory lists, in its order. Reads only the file's tail and directory. */
export async function readZipDirectory(blob: Blob): Promise<ZipEntry[]> {
  const where = await findDirectory(blob);
  const dir = await bytesAt(blob, where.offset, where.offset + where.size);
  const raw = new Uint8Array(dir.buffer);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= dir.byteLength && dir.getUint32(at, true) === CENTRAL) {
    const flags = dir.getUint16(at + 8, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > dir.byteLength) throw new ZipError('the central directory is cut short');
    const fields = {
      size: dir.getUint32(at + 24, true),
      compressedSize: dir.getUint32(at + 20, true),
      headerOffset: dir.getUint32(at + 42, true),
    };
    applyZip64(new DataView(dir.buffer, at + 46 + nameLength, extraLength), fields);
    const entry: ZipEntry = {
      name: decodeZipName(raw.subarray(at + 46, at + 46 + nameLength), (flags & 0x0800) !== 0),
      crc32: dir.getUint32(at + 16, true),
      method: dir.getUint16(at + 10, true),
      encrypted: (flags & 0x0001) !== 0,
      ...fields,
    };
    // Entries' data comes before the directory.
    if (entry.headerOffset + LOCAL_SIZE + entry.compressedSize > where.offset) {
      throw new ZipError(`${entry.name} lies outside the archive's data (cut short?)`);
    }
    entries.push(entry);
    at = next;
  }
  if (entries.length !== where.entries) {
    throw new ZipError(`the central directory lists ${entries.length} entries where the archive says ${where.entries}`);
  }
  return entries;
}

// ---- CRC-32 (IEEE, as zip uses it), slice-by-8: the media of a large export all pass through it.

const CRC_TABLES = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t * 256 + n] = (tables[(t - 1) * 256 + n]! >>> 8) ^ tables[tables[(t - 1) * 256 + n]! & 0xff]!;
  }
  return tables;
})();

export class Crc32 {
  private crc = 0xffffffff;

  update(data: Uint8Array): void {
    const t = CRC_TABLES;
    let c = this.crc;
    let i = 0;
    for (const end = data.length - 8; i <= end; i += 8) {
      const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      c =
        t[7 * 256 + (lo & 0xff)]! ^
        t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
        t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
        t[4 * 256 + (lo >>> 24)]! ^
        t[3 * 256 + data[i + 4]!]! ^
        t[2 * 256 + data[i + 5]!]! ^
        t[256 + data[i + 6]!]! ^
        t[data[i + 7]!]!;
    }
    for (; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c;
  }

  get value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}

export function crc32(data: Uint8Array): number {
  const c = new Crc32();
  c.update(data);
  return c.value;
}

// ---- entries

/** The entry's stored bytes (compressed as they are in the file), after its local header. */
async function storedBytes(blob: Blob, entry: ZipEntry): Promise<Blob> {
  if (entry.encrypted) throw new ZipError(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${entry.name} uses compression method ${entry.method}, which ChatSeal cannot unpack`);
  const local = await bytesAt(blob, entry.headerOffset, entry.headerOffset + LOCAL_SIZE);
  if (local.byteLength < LOCAL_SIZE || local.getUint32(0, true) !== LOCAL) throw new ZipError(`${entry.name} has no local header where the directory says`);
  const start = entry.headerOffset + LOCAL_SIZE + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + entry.compressedSize > blob.size) throw new ZipError(`${entry.name} is cut short`);
  return blob.slice(start, start + entry.compressedSize);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The entry's bytes as they are read: inflated for deflate, as stored otherwise. The stream errors
 * with a ZipError when the bytes run past the recorded size, fall short of it, or do not match the
 * recorded CRC-32; a consumer must not trust what it read before the stream ended. Each call
 * reads the entry again from the Blob.
 */
export function zipEntryStream(blob: Blob, entry: ZipEntry): ReadableStream<Uint8Array> {
  let source: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const crc = new Crc32();
  let seen = 0;
  const fail = (e: unknown): ZipError => (e instanceof ZipError ? e : new ZipError(`${entry.name} could not be unpacked (${describe(e)})`));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (source === undefined) {
          const bytes = (await storedBytes(blob, entry)).stream() as ReadableStream<Uint8Array>;
          const plain = entry.method === 8 ? bytes.pipeThrough(new DecompressionStream('deflate-raw') as ReadableWritablePair<Uint8Array, Uint8Array>) : bytes;
          source = plain.getReader();
        }
        for (;;) {
          const { done, value } = await source.read();
          if (done) {
            if (seen !== entry.size) throw new ZipError(`${entry.name} holds ${seen} bytes where the zip records ${entry.size}`);
            if (crc.value !== entry.crc32) throw new ZipError(`${entry.name} does not match its CRC-32 (damaged)`);
            controller.close();
            return;
          }
          if (value.length === 0) continue;
          seen += value.length;
          if (seen > entry.size) throw new ZipError(`${entry.name} unpacks to more than the ${entry.size} bytes the zip records`);
          crc.update(value);
          controller.enqueue(value);
          return;
        }
      } catch (e) {
        await source?.cancel(e).catch(() => undefined);
        controller.error(fail(e));
      }
    },
    async cancel(reason) {
      await source?.cancel(reason);
    },
  });
}

/**
 * A stored (uncompressed) entry's bytes as a slice of the archive's Blob, after one read has
 * checked them against the recorded size and CRC-32: a Blob reader (the backup writer) can then
 * read them as often as it needs without inflating or checking again. Not for deflated entries.
 */
export async function verifiedStoredBlob(blob: Blob, entry: ZipEntry): Promise<Blob> {
  if (entry.method !== 0) throw new RangeError(`${entry.name} is compressed; only a stored entry is its own bytes`);
  const reader = zipEntryStream(blob, entry).getReader();
  while (!(await reader.read()).done);
  return storedBytes(blob, entry);
}

/** The whole entry in memory, checked like zipEntryStream. For the chat text and small media. */
export async function readZipEntry(blob: Blob, entry: ZipEntry): Promise<Uint8Array> {
  const out = new Uint8Array(entry.size);
  let at = 0;
  const reader = zipEntryStream(blob, entry).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.set(value, at); // the stream refuses bytes past entry.size, so this always fits
    at += value.length;
  }
}
