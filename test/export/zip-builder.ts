// A zip writer for tests, byte by byte from the format (APPNOTE 6.3.x), so tests can make what
// fflate will not: ZIP64 records, CP437 names, wrong CRCs and sizes, unsupported methods.
import { deflateSync } from 'fflate';
import { crc32 } from '../../src/export/zip';

export interface TestEntry {
  name: string | Uint8Array;
  data: Uint8Array;
  /** 0 stored (default), 8 deflate; other numbers are written as given, with the data stored. */
  method?: number;
  /** General purpose flags (0x0800: the name is UTF-8; 0x0001: encrypted). */
  flags?: number;
  /** Override what the directory records. */
  crc?: number;
  size?: number;
}

export interface ZipOptions {
  zip64?: boolean;
  comment?: string;
  /** Recorded entry count, when a test wants it wrong. */
  entryCount?: number;
  /** Disk number in the end record, when a test wants a split archive. */
  disk?: number;
}

class Out {
  private parts: Uint8Array[] = [];
  private small: number[] = [];
  length = 0;
  u16(v: number) {
    this.small.push(v & 0xff, (v >>> 8) & 0xff);
    this.length += 2;
  }
  u32(v: number) {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  u64(v: number) {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  bytes(b: Uint8Array) {
    this.flush();
    this.parts.push(b);
    this.length += b.length;
  }
  result(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  private flush() {
    if (this.small.length > 0) this.parts.push(Uint8Array.from(this.small));
    this.small = [];
  }
}

export function buildZip(entries: TestEntry[], options: ZipOptions = {}): Uint8Array {
  const out = new Out();
  const central = new Out();
  const z64 = options.zip64 === true;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? new TextEncoder().encode(e.name) : e.name;
    const method = e.method ?? 0;
    const stored = method === 8 ? deflateSync(e.data) : e.data;
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const flags = e.flags ?? 0;
    const offset = out.length;
    out.u32(0x04034b50);
    out.u16(z64 ? 45 : 20);
    out.u16(flags);
    out.u16(method);
    out.u16(0);
    out.u16(0x5b7a);
    out.u32(crc);
    out.u32(z64 ? 0xffffffff : stored.length);
    out.u32(z64 ? 0xffffffff : size);
    out.u16(name.length);
    out.u16(z64 ? 20 : 0);
    out.bytes(name);
    if (z64) {
      out.u16(1);
      out.u16(16);
      out.u64(size);
      out.u64(stored.length);
    }
    out.bytes(stored);

    central.u32(0x02014b50);
    central.u16(z64 ? 45 : 20);
    central.u16(z64 ? 45 : 20);
    central.u16(flags);
    central.u16(method);
    central.u16(0);
    central.u16(0x5b7a);
    central.u32(crc);
    central.u32(z64 ? 0xffffffff : stored.length);
    central.u32(z64 ? 0xffffffff : size);
    central.u16(name.length);
    central.u16(z64 ? 28 : 0);
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u32(0);
    central.u32(z64 ? 0xffffffff : offset);
    central.bytes(name);
    if (z64) {
      central.u16(1);
      central.u16(24);
      central.u64(size);
      central.u64(stored.length);
      central.u64(offset);
    }
  }
  const cdOffset = out.length;
  out.bytes(central.result());
  const count = options.entryCount ?? entries.length;
  if (z64) {
    const recordAt = out.length;
    out.u32(0x06064b50);
    out.u64(44);
    out.u16(45);
    out.u16(45);
    out.u32(0);
    out.u32(0);
    out.u64(count);
    out.u64(count);
    out.u64(central.length);
    out.u64(cdOffset);
    out.u32(0x07064b50);
    out.u32(0);
    out.u64(recordAt);
    out.u32(1);
  }
  const comment = new TextEncoder().encode(options.comment ?? '');
  out.u32(0x06054b50);
  out.u16(options.disk ?? 0);
  out.u16(options.disk ?? 0);
  out.u16(z64 ? 0xffff : count);
  out.u16(z64 ? 0xffff : count);
  out.u32(z64 ? 0xffffffff : central.length);
  out.u32(z64 ? 0xffffffff : cdOffset);
  out.u16(comment.length);
  out.bytes(comment);
  return out.result();
}
