// The writer's ciphertext stream: bytes go out only while a read waits; a default reader gets the
// chunks themselves, a BYOB reader has its buffer filled across chunks and the chunks are released.
import { describe, expect, it } from 'vitest';
import { CiphertextStream } from '../../src/backup/ciphertext-stream';

const chunk = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('CiphertextStream', () => {
  it('hands a default reader the chunks themselves, one per read, and releases none', async () => {
    const released: Uint8Array[] = [];
    const first = chunk(10, 1);
    const outbox = new CiphertextStream(first, (c) => void released.push(c));
    const reader = outbox.stream.getReader();
    expect(Array.from((await reader.read()).value!)).toEqual(Array.from(chunk(10, 1)));
    const a = chunk(100, 2);
    const [got] = await Promise.all([reader.read(), outbox.push(a)]);
    expect(Array.from(got.value!)).toEqual(Array.from(chunk(100, 2)));
    expect(a.byteLength).toBe(0); // handed over: its buffer now belongs to the consumer's chunk
    outbox.close();
    expect((await reader.read()).done).toBe(true);
    expect(released).toEqual([]);
  });

  it('waits for a read before anything goes out (back-pressure)', async () => {
    const outbox = new CiphertextStream(chunk(1, 0));
    let pushed = false;
    const push = outbox.push(chunk(50, 3)).then(() => void (pushed = true));
    await tick();
    expect(pushed).toBe(false); // nobody reads
    const reader = outbox.stream.getReader();
    await reader.read(); // the first bytes, queued at the start
    await tick();
    expect(pushed).toBe(false);
    const next = await reader.read();
    await push;
    expect(next.value!.length).toBe(50);
  });

  it("fills a BYOB reader's buffer across chunks, hands it back full or at the end, and releases each chunk", async () => {
    const released: Uint8Array[] = [];
    const outbox = new CiphertextStream(chunk(10, 1), (c) => void released.push(c));
    const reader = outbox.stream.getReader({ mode: 'byob' });
    const chunks = [chunk(300, 2), chunk(300, 3), chunk(300, 4), chunk(50, 5)];
    const expected = [...chunk(10, 1), ...chunks.flatMap((c) => Array.from(c))];
    const writing = (async () => {
      for (const c of chunks) await outbox.push(c);
      outbox.close();
    })();
    const got: number[] = [];
    const sizes: number[] = [];
    let buffer = new ArrayBuffer(512);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (value !== undefined) {
        got.push(...value);
        if (value.length > 0) sizes.push(value.length);
        buffer = value.buffer as ArrayBuffer;
      }
      if (done) break;
    }
    await writing;
    expect(got).toEqual(expected);
    // The queued first bytes, then full 512-byte buffers, then what was left at the end.
    expect(sizes).toEqual([10, 512, 438]);
    expect(released).toEqual(chunks);
  });

  it('stops a waiting push when the consumer cancels, and errors the stream on error', async () => {
    const outbox = new CiphertextStream(chunk(1, 0));
    const push = outbox.push(chunk(10, 1));
    await outbox.stream.cancel(new Error('gone'));
    await expect(push).rejects.toThrow('gone');
    await expect(outbox.push(chunk(10, 1))).rejects.toThrow('gone');
    const failing = new CiphertextStream(chunk(1, 0));
    const reader = failing.stream.getReader();
    await reader.read();
    failing.error(new Error('broken'));
    await expect(reader.read()).rejects.toThrow('broken');
    await expect(failing.push(chunk(1, 1))).rejects.toThrow('broken');
  });
});
