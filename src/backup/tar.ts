// The tiny POSIX ustar writer and reader for the backup's plaintext. Every header ChatSeal writes
// is a pure function of (name, size, mtime): regular file, mode 0644, uid/gid 0, no user or group
// names, no prefix, devices "0000000". The reader accepts exactly those headers (it rebuilds the
// expected block and compares all 512 bytes), so a backup's tar has one possible encoding.
import { TAR_BLOCK } from './padding';

/** Largest entry size the 11 octal digits of a ustar size field can state (8 GiB - 1). */
export const MAX_ENTRY_SIZE = 8 ** 11 - 1;
const MAX_NAME = 100;
const ascii = new TextEncoder();

/** Names ChatSeal writes: printable ASCII without spaces, at most 100 bytes (no prefix field). */
export function isEntryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME && /^[A-Za-z0-9._/-]+$/.test(name);
}

function putString(block: Uint8Array, offset: number, text: string): void {
  block.set(ascii.encode(text), offset);
}

/** `digits` octal digits, zero-padded, followed by NUL. */
function putOctal(block: Uint8Array, offset: number, digits: number, value: number): void {
  const text = value.toString(8);
  if (text.length > digits) throw new RangeError(`${value} does not fit ${digits} octal digits`);
  putString(block, offset, text.padStart(digits, '0') + '\0');
}

export function tarHeader(name: string, size: number, mtime: number): Uint8Array {
  if (!isEntryName(name)) throw new RangeError(`not an entry name ChatSeal writes: ${JSON.stringify(name)}`);
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_ENTRY_SIZE) throw new RangeError(`entry too large: ${size}`);
  if (!Number.isSafeInteger(mtime) || mtime < 0 || mtime > MAX_ENTRY_SIZE) throw new RangeError(`mtime out of range: ${mtime}`);
  const block = new Uint8Array(TAR_BLOCK);
  putString(block, 0, name); // name[100], NUL-padded
  putOctal(block, 100, 7, 0o644); // mode
  putOctal(block, 108, 7, 0); // uid
  putOctal(block, 116, 7, 0); // gid
  putOctal(block, 124, 11, size); // size
  putOctal(block, 136, 11, mtime); // mtime
  block.fill(0x20, 148, 156); // chksum counts as spaces while summing
  block[156] = 0x30; // typeflag '0': regular file
  // linkname[100] stays NUL
  putString(block, 257, 'ustar\0'); // magic
  putString(block, 263, '00'); // version
  // uname[32], gname[32] stay empty (NUL)
  putOctal(block, 329, 7, 0); // devmajor
  putOctal(block, 337, 7, 0); // devminor
  // prefix[155] and the 12 bytes of pad stay NUL
  let sum = 0;
  for (const b of block) sum += b;
  putString(block, 148, sum.toString(8).padStart(6, '0') + '\0 '); // chksum: 6 digits, NUL, space
  return block;
}

export interface TarEntryHeader {
  name: string;
  size: number;
  mtime: number;
}

const decoder = new TextDecoder('ascii');

function readOctal(block: Uint8Array, offset: number, digits: number): number | null {
  const text = decoder.decode(block.subarray(offset, offset + digits));
  if (!/^[0-7]+$/.test(text) || block[offset + digits] !== 0) return null;
  return parseInt(text, 8);
}

/**
 * Reads one header block strictly: it must be byte-for-byte the block tarHeader writes for the
 * name, size and mtime it states. Returns null otherwise.
 */
export function parseTarHeader(block: Uint8Array): TarEntryHeader | null {
  if (block.length !== TAR_BLOCK) return null;
  const end = block.indexOf(0);
  if (end <= 0 || end > MAX_NAME) return null;
  const name = decoder.decode(block.subarray(0, end));
  const size = readOctal(block, 124, 11);
  const mtime = readOctal(block, 136, 11);
  if (!isEntryName(name) || size === null || mtime === null) return null;
  const expected = tarHeader(name, size, mtime);
  for (let i = 0; i < TAR_BLOCK; i++) if (expected[i] !== block[i]) return null;
  return { name, size, mtime };
}

/** Zero bytes that follow `size` bytes of entry data to complete its last block. */
export function dataPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = 2 * TAR_BLOCK;
