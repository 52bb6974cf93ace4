import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';
import { byteStreamOf } from './byte-streams';

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(Uint8Array.from(ch));
      c.close();
    },
  });
}

describe('ByteReader', () => {
  it('takes exact counts across source chunks and tracks the offset', async () => {
    const r = new ByteReader(streamOf([1, 2], [], [3, 4, 5], [6]));
    expect(Array.from(await r.read(3))).toEqual([1, 2, 3]);
    expect(r.offset).toBe(3);
    expect(await r.fill(10)).toBe(3);
    expect(r.peekByte(2)).toBe(6);
    expect(Array.from(await r.read(10))).toEqual([4, 5, 6]);
    expect(await r.atEnd()).toBe(true);
  });

  it('reads through a delimiter split over chunks, or reports what there was', async () => {
    const r = new ByteReader(streamOf([97, 98], [99, 10, 100], [101]));
    const line = await r.readThrough(10, 100);
    expect(line.found && Array.from(line.bytes)).toEqual([97, 98, 99, 10]);
    const rest = await r.readThrough(10, 100);
    expect(rest).toEqual({ found: false, available: 2 });
    expect(r.offset).toBe(4); // nothing taken
    const limited = await new ByteReader(streamOf([1, 2, 3, 4, 10])).readThrough(10, 3);
    expect(limited).toEqual({ found: false, available: 3 });
  });

  it('counts what it skips and refuses chunks that are not bytes', async () => {
    const r = new ByteReader(streamOf([1], [2, 3], [4, 5, 6]));
    await r.read(1);
    expect(await r.skipToEnd()).toBe(5);
    expect(r.offset).toBe(6);
    const bad = new ReadableStream({ start: (c) => c.enqueue('text' as unknown as Uint8Array) });
    await expect(new ByteReader(bad).read(1)).rejects.toThrow(TypeError);
  });

  it('cancels its source', async () => {
    let cancelled = false;
    const s = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(4)), cancel: () => void (cancelled = true) });
    const r = new ByteReader(s);
    await r.read(2);
    await r.cancel();
    expect(cancelled).toBe(true);
  });
});

describe('ByteReader over a byte stream (read into its own window)', () => {
  const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

  it('takes exact counts across reads, peeks, and keeps what it took intact as it reads on', async () => {
    const bytes = data(3 * 1024 * 1024 + 123);
    const r = new ByteReader(byteStreamOf(bytes, 1000).stream);
    const first = await r.read(5);
    expect(Array.from(first)).toEqual(Array.from(bytes.subarray(0, 5)));
    expect(await r.fill(70_000)).toBeGreaterThanOrEqual(70_000);
    expect(r.peekByte(69_999)).toBe(bytes[5 + 69_999]);
    // Taken bytes are the caller's: reading 3 MiB more (window refills, moves and grows) leaves them be.
    const kept = r.take(65_552);
    let at = 5 + 65_552;
    while (!(await r.atEnd())) {
      const n = Math.min(200_000, r.buffered);
      const piece = r.borrow(n);
      expect(Buffer.from(piece).equals(Buffer.from(bytes.subarray(at, at + n)))).toBe(true);
      at += n;
    }
    expect(at).toBe(bytes.length);
    expect(r.offset).toBe(bytes.length);
    expect(Array.from(first)).toEqual(Array.from(bytes.subarray(0, 5)));
    expect(Buffer.from(kept).equals(Buffer.from(bytes.subarray(5, 5 + 65_552)))).toBe(true);
  });

  it('reads a whole window per read, not a payload chunk at a time', async () => {
    // A source that fills each read completely: its pulls are the reader's reads.
    const source = byteStreamOf(data(4 * 1024 * 1024), Infinity);
    const r = new ByteReader(source.stream);
    let chunks = 0;
    while (!(await r.atEnd())) {
      r.borrow(65_552);
      chunks++;
    }
    expect(chunks).toBe(Math.ceil((4 * 1024 * 1024) / 65_552));
    // About 1 MiB per read (the window less what is still buffered), not one read per chunk.
    expect(source.pulls()).toBeLessThanOrEqual(8);
  });

  it('reads through a delimiter, skips, counts and cancels like any stream', async () => {
    const text = new TextEncoder().encode('abc\nd');
    const r = new ByteReader(byteStreamOf(text, 2).stream);
    const line = await r.readThrough(10, 100);
    expect(line.found && Array.from(line.bytes)).toEqual([97, 98, 99, 10]);
    expect(await r.readThrough(10, 100)).toEqual({ found: false, available: 1 });
    expect(r.offset).toBe(4);
    const s = new ByteReader(byteStreamOf(data(5000), 300).stream);
    await s.read(1);
    expect(await s.skipToEnd()).toBe(4999);
    expect(s.offset).toBe(5000);
    const source = byteStreamOf(data(3 * 1024 * 1024), 300);
    const c = new ByteReader(source.stream);
    await c.read(2);
    await c.cancel();
    expect(source.cancelled()).toBe(true);
  });

  it('borrows across chunk boundaries of any stream without a new buffer each time', async () => {
    const r = new ByteReader(streamOf([1, 2, 3], [4, 5], [6, 7, 8, 9]));
    await r.fill(9);
    const a = r.borrow(4); // spans two chunks: assembled in the reader's scratch buffer
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
    const b = r.borrow(4);
    expect(Array.from(b)).toEqual([5, 6, 7, 8]);
    expect(b.buffer).toBe(a.buffer); // the same scratch buffer, reused
  });
});
