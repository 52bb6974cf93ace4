// The writer: entry order, every kind of media input, reproducible plaintext, failure handling,
// and flat memory (bytes in flight between the media source and the ciphertext stay bounded).
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { nobleChaCha20Poly1305, type ChunkCipherFactory, type Sha256Factory } from '../../src/age/primitives';
import { BackupWriter, type MediaInput } from '../../src/backup/writer';
import { asBufferSource, concatBytes, toHex } from '../../src/crypto/bytes';
import { byteStreamOf } from '../age/byte-streams';
import { backupKey, FIXED_SEED, plaintextOf, prngBytes, SAMPLE_CHAT } from './helpers';

const CREATED = '2026-11-26T10:15:03Z';

async function writer() {
  const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '0.1.0', createdAt: CREATED });
  const file = new Response(w.ciphertext).arrayBuffer().then((b) => new Uint8Array(b));
  return { w, file };
}

function tarNames(tar: Uint8Array): string[] {
  const names: string[] = [];
  for (let o = 0; o < tar.length; ) {
    const block = tar.subarray(o, o + 512);
    if (block.every((b) => b === 0)) break;
    names.push(new TextDecoder().decode(block.subarray(0, block.indexOf(0))));
    const size = parseInt(new TextDecoder().decode(block.subarray(124, 135)), 8);
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

function once(bytes: Uint8Array, piece = 1000): ReadableStream<Uint8Array> {
  let o = 0;
  return new ReadableStream({
    pull(c) {
      if (o >= bytes.length) return c.close();
      c.enqueue(bytes.slice(o, o + piece));
      o += piece;
    },
  });
}

describe('BackupWriter', () => {
  it('writes media, chat.json.gz, manifest.json, manifest.mac, padding, in that order', async () => {
    const { w, file } = await writer();
    const a = prngBytes(3000, 'a');
    const ref = await w.addMedia(a, 'JPG');
    expect(ref).toEqual({ path: `media/${toHex(sha256(a))}.jpg`, sha256: toHex(sha256(a)), size: 3000 });
    expect(await w.addMedia(a, 'jpg')).toEqual(ref); // the same bytes are stored once
    await w.addMedia(prngBytes(10, 'b'), 'png');
    await w.finish(SAMPLE_CHAT);
    const tar = await plaintextOf(await file);
    expect(tarNames(tar)).toEqual([ref.path, expect.stringMatching(/^media\/[0-9a-f]{64}\.png$/), 'chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    await expect(w.addMedia(a, 'jpg')).rejects.toThrow(/finished/);
  });

  it('takes bytes, Blobs, stream factories and one-shot streams (with or without a stated size and hash) alike', async () => {
    const data = prngBytes(200_000, 'media');
    const digest = toHex(sha256(data));
    const inputs: [MediaInput, { size: number; sha256: string } | undefined][] = [
      [data, undefined],
      [new Blob([asBufferSource(data)]), undefined],
      [() => once(data), undefined],
      [once(data), undefined],
      [once(data), { size: data.length, sha256: digest }],
    ];
    const tars: string[] = [];
    for (const [input, expect_] of inputs) {
      const { w, file } = await writer();
      expect((await w.addMedia(input, 'bin', expect_)).sha256).toBe(digest);
      await w.finish(SAMPLE_CHAT);
      tars.push(toHex(sha256(await plaintextOf(await file))));
    }
    expect(new Set(tars).size).toBe(1); // the plaintext is reproducible, whatever the input form
  });

  it('fails the whole backup when media do not match what was stated or read first', async () => {
    const data = prngBytes(5000, 'x');
    const cases: (() => Promise<unknown>)[] = [];
    for (const make of [
      (w: BackupWriter) => w.addMedia(once(data), 'bin', { size: data.length, sha256: '0'.repeat(64) }),
      (w: BackupWriter) => w.addMedia(once(data), 'bin', { size: 10, sha256: toHex(sha256(data)) }),
      (w: BackupWriter) => {
        let n = 0;
        return w.addMedia(() => once(n++ === 0 ? data : prngBytes(5000, 'y')), 'bin');
      },
    ]) {
      cases.push(async () => {
        const { w, file } = await writer();
        await expect(make(w)).rejects.toThrow();
        await expect(file).rejects.toBeDefined(); // the ciphertext stream errors: no partial file looks whole
        await expect(w.finish(SAMPLE_CHAT)).rejects.toThrow(/failed/);
      });
    }
    for (const c of cases) await c();
  });

  it('refuses bad extensions and key ids; abort errors the ciphertext', async () => {
    const { w, file } = await writer();
    await expect(w.addMedia(new Uint8Array(1), 'tar.gz')).rejects.toThrow(RangeError);
    await expect(file).rejects.toBeDefined();
    const key = await backupKey(FIXED_SEED, 'classic');
    await expect(BackupWriter.create({ ...key, keyId: 'nope' }, { appVersion: '1' })).rejects.toThrow(RangeError);
    const second = await writer();
    await second.w.abort(new Error('user cancelled'));
    await expect(second.file).rejects.toThrow('user cancelled');
  });

  it('stamps entries with the creation time, now by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '1' });
    const file = new Response(w.ciphertext).arrayBuffer();
    await w.finish(SAMPLE_CHAT);
    const tar = await plaintextOf(new Uint8Array(await file));
    const mtime = parseInt(new TextDecoder().decode(tar.subarray(136, 147)), 8);
    expect(mtime).toBeGreaterThanOrEqual(before);
    expect(mtime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('keeps memory flat: media bytes read ahead of the ciphertext consumer stay bounded', async () => {
    const total = 8 * 1024 * 1024;
    const piece = 256 * 1024;
    const block = prngBytes(piece, 'flat');
    const digest = (() => {
      const h = sha256.create();
      for (let o = 0; o < total; o += piece) h.update(block);
      return toHex(h.digest());
    })();
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const source = () =>
      new ReadableStream<Uint8Array>(
        {
          pull(c) {
            if (produced >= total) return c.close();
            produced += piece;
            c.enqueue(block.slice());
          },
        },
        { highWaterMark: 0 },
      );
    const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '1', createdAt: CREATED });
    const drained = (async () => {
      const r = w.ciphertext.getReader();
      for (;;) {
        const { done, value } = await r.read();
        if (done) return;
        consumed += value.length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        await new Promise((resolve) => setTimeout(resolve, 0)); // a consumer slower than the source
      }
    })();
    await w.addMedia(source(), 'bin', { size: total, sha256: digest });
    await w.finish(SAMPLE_CHAT);
    await drained;
    expect(consumed).toBeGreaterThan(total);
    console.log(`media bytes ahead of the ciphertext consumer: at most ${maxAhead}`);
    expect(maxAhead).toBeLessThan(2 * 1024 * 1024);
  });

  it('hashes each byte once where the input cannot change, twice only for a stream factory', async () => {
    const MiB = 1024 * 1024;
    const small = prngBytes(100_000, 'small');
    const large = prngBytes(5 * MiB, 'large');
    const cases: [string, Uint8Array, () => MediaInput, number, { size: number; sha256: string }?][] = [
      ['bytes', large, () => large, 0],
      ['a small Blob', small, () => new Blob([asBufferSource(small)]), 0],
      ['a large Blob', large, () => new Blob([asBufferSource(large)]), large.length],
      ['a stream factory', large, () => () => once(large, 100_000), 2 * large.length],
      ['a one-shot stream with its hash stated', large, () => once(large, 100_000), large.length, { size: large.length, sha256: toHex(sha256(large)) }],
      ['a one-shot stream', small, () => once(small), small.length],
    ];
    for (const [label, data, input, expected, stated] of cases) {
      let hashed = 0;
      const counting: Sha256Factory = () => {
        const h = sha256.create();
        return { update: (d) => void ((hashed += d.length), h.update(d)), digest: () => h.digest() };
      };
      const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '1', createdAt: CREATED }, { primitives: { sha256: counting } });
      const file = new Response(w.ciphertext).arrayBuffer();
      const ref = await w.addMedia(input(), 'bin', stated);
      await w.finish(SAMPLE_CHAT);
      await file;
      expect(ref.sha256, label).toBe(toHex(sha256(data)));
      expect(hashed, label).toBe(expected);
    }
  });

  it('gives the event loop a task every few MiB even when nothing it awaits takes one', async () => {
    const total = 8 * 1024 * 1024;
    const data = prngBytes(256 * 1024, 'turns');
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '1', createdAt: CREATED });
    const drained = (async () => {
      const r = w.ciphertext.getReader();
      while (!(await r.read()).done); // a consumer that never waits for anything
    })();
    const source = () => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= total) return c.close();
          sent += data.length;
          c.enqueue(data);
        },
      });
    };
    setImmediate(spin);
    const before = turns;
    await w.addMedia(source, 'bin'); // 8 MiB hashed, then 8 MiB sealed: 16 MiB of work
    const during = turns - before;
    spinning = false;
    await w.finish(SAMPLE_CHAT);
    await drained;
    expect(during).toBeGreaterThanOrEqual(6);
  });

  it('reads byte-stream media and serves a BYOB consumer through reused buffers, freeing each sealed chunk', async () => {
    const media = prngBytes(3 * 1024 * 1024 + 17, 'byob');
    const digest = toHex(sha256(media));
    const tars: Uint8Array[] = [];
    for (const mode of ['default', 'byob'] as const) {
      const released: Uint8Array[] = [];
      let sealed = 0;
      const counting: ChunkCipherFactory = async (key) => {
        const inner = await nobleChaCha20Poly1305(key);
        return {
          ...inner,
          seal: async (nonce, plain) => (sealed++, inner.seal(nonce, plain)),
          release: (c) => void released.push(c),
        };
      };
      const w = await BackupWriter.create(await backupKey(FIXED_SEED, 'classic'), { appVersion: '1', createdAt: CREATED }, { primitives: { chacha20poly1305: counting } });
      const file = (async () => {
        if (mode === 'default') return new Uint8Array(await new Response(w.ciphertext).arrayBuffer());
        const reader = w.ciphertext.getReader({ mode: 'byob' });
        const parts: Uint8Array[] = [];
        let buffer = new ArrayBuffer(256 * 1024);
        let previous: Uint8Array | null = null;
        for (;;) {
          const { done, value } = await reader.read(new Uint8Array(buffer));
          if (previous !== null) expect(previous.byteLength).toBe(0); // its buffer went into this read
          if (value !== undefined && value.length > 0) parts.push(value.slice());
          if (done) break;
          buffer = value!.buffer as ArrayBuffer;
          previous = value!;
        }
        return concatBytes(...parts);
      })();
      // A stream factory of byte streams (as a Blob's): read into the writer's own buffer.
      const sources: ReturnType<typeof byteStreamOf>[] = [];
      const ref = await w.addMedia(() => {
        const s = byteStreamOf(media, 100_000);
        sources.push(s);
        return s.stream;
      }, 'bin');
      expect(ref.sha256).toBe(digest);
      expect(sources.length).toBe(2); // hashed in one read, written in the second
      for (const source of sources) expect(source.largestRead()).toBeGreaterThan(100_000); // the writer's own buffer
      await w.finish(SAMPLE_CHAT);
      tars.push(await plaintextOf(await file));
      // A BYOB consumer has every sealed chunk copied into its buffer: each is released after.
      expect(released.length).toBe(mode === 'byob' ? sealed : 0);
    }
    expect(Buffer.from(tars[0]!).equals(Buffer.from(tars[1]!))).toBe(true);
  });
});
