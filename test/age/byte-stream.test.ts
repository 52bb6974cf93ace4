// Reading byte streams into one reused buffer (BYOB), and every other stream as it is.
import { describe, expect, it } from 'vitest';
import { borrowedChunks, byobReaderOf, readAtLeast } from '../../src/age/byte-stream';
import { byteStreamOf } from './byte-streams';

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 255);

function chunkStream(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
}

describe('byte streams', () => {
  it('takes a BYOB reader only from a byte stream, leaving any other stream unlocked', () => {
    expect(byobReaderOf(byteStreamOf(data(10)).stream)).toBeInstanceOf(ReadableStreamBYOBReader);
    const plain = chunkStream(data(3));
    expect(byobReaderOf(plain)).toBeNull();
    expect(plain.locked).toBe(false);
    const locked = byteStreamOf(data(10)).stream;
    locked.getReader();
    expect(() => byobReaderOf(locked)).toThrow(TypeError);
  });

  it('reads at least min bytes per read, and the last bytes at the end', async () => {
    const source = byteStreamOf(data(250), 40);
    const reader = source.stream.getReader({ mode: 'byob' });
    const first = await readAtLeast(reader, new Uint8Array(100));
    expect(first.bytes?.length).toBe(100); // three pulls of at most 40 bytes, one read
    expect(first.done).toBe(false);
    expect(Array.from(first.bytes!)).toEqual(Array.from(data(100)));
    const second = await readAtLeast(reader, new Uint8Array(first.buffer!), 100);
    expect(Array.from(second.bytes!)).toEqual(Array.from(data(250).subarray(100, 200)));
    const last = await readAtLeast(reader, new Uint8Array(second.buffer!));
    expect(Array.from(last.bytes!)).toEqual(Array.from(data(250).subarray(200)));
    const end = last.done ? last : await readAtLeast(reader, new Uint8Array(last.buffer!));
    expect(end.done).toBe(true);
    expect(end.buffer).not.toBeNull();
  });

  it('gives a byte stream as views into one buffer, filled whole by each read', async () => {
    const bytes = data(1000);
    const source = byteStreamOf(bytes, 64);
    const seen: number[] = [];
    const sizes: number[] = [];
    let previous: Uint8Array | null = null;
    for await (const view of borrowedChunks(source.stream, 300)) {
      // The previous view's buffer went into this read (transferred, so that view is now empty):
      // one 300-byte buffer passed from read to read, none allocated per read.
      if (previous !== null) expect(previous.byteLength).toBe(0);
      expect(view.buffer.byteLength).toBe(300);
      seen.push(...view);
      sizes.push(view.length);
      previous = view;
    }
    expect(seen).toEqual(Array.from(bytes));
    expect(sizes).toEqual([300, 300, 300, 100]);
  });

  it('gives any other stream as its own chunks, skipping empty ones and refusing non-bytes', async () => {
    const a = data(5);
    const b = data(7);
    const got: Uint8Array[] = [];
    for await (const view of borrowedChunks(chunkStream(a, new Uint8Array(0), b), 300)) got.push(view);
    expect(got).toEqual([a, b]);
    expect(got[0]).toBe(a);
    const bad = new ReadableStream({ start: (c) => c.enqueue('text' as unknown as Uint8Array) });
    await expect(
      (async () => {
        for await (const _ of borrowedChunks(bad, 10)) void _;
      })(),
    ).rejects.toThrow(TypeError);
  });

  it('cancels the stream when the reading stops early', async () => {
    const source = byteStreamOf(data(1000), 100);
    for await (const view of borrowedChunks(source.stream, 100)) {
      expect(view.length).toBe(100);
      break;
    }
    expect(source.cancelled()).toBe(true);
    let cancelled = false;
    const plain = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(data(10)), cancel: () => void (cancelled = true) });
    for await (const _ of borrowedChunks(plain, 100)) break;
    expect(cancelled).toBe(true);
  });
});
