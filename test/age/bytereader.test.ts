import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';

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
