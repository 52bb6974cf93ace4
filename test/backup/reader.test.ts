// Reading backups: both key types, unknown types, several keys, inspection without a key, entry
// release only after pass 1, and a file that changes between the two passes.
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/age/gate';
import { BackupError } from '../../src/backup/errors';
import { fromAgeError, inspectBackup, openBackup, openBackupStreaming, verifyBackup, type EntryWriter } from '../../src/backup/reader';
import { nobleChaCha20Poly1305, type ChunkCipherFactory, type Sha256Factory } from '../../src/age/primitives';
import { sha256 } from '@noble/hashes/sha2.js';
import { AgeError } from '../../src/age/errors';
import { asBufferSource, concatBytes } from '../../src/crypto/bytes';
import { byteSource } from '../age/byte-streams';
import { CHUNK_WITH_TAG } from '../../src/age/stream';
import { encryptTo, FIXED_SEED, makeBackup, OTHER_SEED, plaintextOf, prngBytes, SAMPLE_CHAT } from './helpers';

describe('reading a backup', () => {
  it.each(['classic', 'pq'] as const)('verifies and opens a %s backup, with or without the type given', async (type) => {
    const media = prngBytes(100_000, type);
    const { file, refs } = await makeBackup({ type, media: [media] });
    for (const keys of [[{ seed: FIXED_SEED }], [{ seed: FIXED_SEED, type }]]) {
      const v = await verifyBackup(bytesSource(file), keys);
      expect(v).toMatchObject({ keyType: type, keyIndex: 0, fileSize: file.length, chunks: 2 });
      expect(v.manifest.messages).toEqual({ count: 3, firstKey: 'm1', lastKey: 'm3' });
      expect(v.manifest.entries.map((e) => e.name)).toEqual([refs[0]!.path, 'chat.json.gz']);
    }
    const released: { name: string; bytes: Uint8Array }[] = [];
    await openBackup(bytesSource(file), [{ seed: FIXED_SEED }], async (e) => {
      released.push(e);
    });
    expect(released.map((e) => e.name)).toEqual([refs[0]!.path, 'chat.json.gz', 'manifest.json', 'manifest.mac']);
    expect(Buffer.from(released[0]!.bytes).equals(Buffer.from(media))).toBe(true);
    const chat = await new Response(new Blob([asBufferSource(released[1]!.bytes)]).stream().pipeThrough(new DecompressionStream('gzip'))).json();
    expect(chat).toEqual(SAMPLE_CHAT);
  });

  it('finds the right key among several (older keys from a keyring)', async () => {
    const { file } = await makeBackup({});
    const v = await verifyBackup(bytesSource(file), [{ seed: OTHER_SEED }, { seed: FIXED_SEED, type: 'pq' }, { seed: FIXED_SEED, type: 'classic' }]);
    expect(v).toMatchObject({ keyIndex: 2, keyType: 'classic' });
    await expect(verifyBackup(bytesSource(file), [])).rejects.toThrow(RangeError);
  });

  it('opens a backup re-encrypted without the key-id stanza (e.g. with the age CLI)', async () => {
    const { file } = await makeBackup({ media: [prngBytes(1000)] });
    const again = await encryptTo(await plaintextOf(file), FIXED_SEED, { keyId: false });
    const v = await verifyBackup(bytesSource(again), [{ seed: FIXED_SEED }]);
    expect(v.keyId).toBeNull();
  });

  it('inspects without a key', async () => {
    const { file } = await makeBackup({ media: [prngBytes(150_000)] });
    const i = await inspectBackup(bytesSource(file));
    expect(i).toMatchObject({ keyId: '86023963e580d6a0', fileSize: file.length, headerSize: 209, chunks: 3 });
    expect(i.stanzaTypes).toEqual(['chatseal.app/key-id', 'X25519']);
    expect(i.fileSize).toBe(i.headerSize + 16 + i.payloadSize + 16 * i.chunks);
    await expect(inspectBackup(bytesSource(file.subarray(0, i.headerSize + 16 + CHUNK_WITH_TAG + 3)))).rejects.toMatchObject({ kind: 'truncated' });
    await expect(inspectBackup(bytesSource(new TextEncoder().encode('hello')))).rejects.toMatchObject({ kind: 'not-a-backup' });
  });

  it('releases nothing until pass 1 is done, and refuses a file that changes before pass 2', async () => {
    const { file } = await makeBackup({ media: [prngBytes(200_000)] });
    const altered = file.slice();
    altered[altered.length - 100] = altered[altered.length - 100]! ^ 1;
    let calls = 0;
    const source = () => bytesSource(calls++ === 0 ? file : altered)();
    const names: string[] = [];
    const e = await openBackup(source, [{ seed: FIXED_SEED }], async (entry) => {
      expect(calls).toBe(2);
      names.push(entry.name);
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackupError);
    expect((e as BackupError).kind).toBe('corrupted');
    expect((e as BackupError).detail).toMatch(/changed between reads/);
    expect(names.length).toBeLessThan(4); // what was released before the change matched pass 1
  });

  it('maps every age-layer kind to one backup kind', () => {
    const map = (kind: AgeError['kind'], keyId: string | null = null) => fromAgeError(new AgeError(kind, 'x', { keyId })).kind;
    expect(map('not-age')).toBe('not-a-backup');
    expect(map('header')).toBe('corrupted');
    expect(map('truncated')).toBe('truncated');
    expect(map('wrong-key', 'a')).toBe('wrong-key');
    expect(map('no-match')).toBe('not-a-backup');
    expect(map('no-match', '0123456789abcdef')).toBe('corrupted');
    expect(map('unwrap')).toBe('corrupted');
    expect(map('payload')).toBe('corrupted');
    expect(map('changed')).toBe('corrupted');
    expect(map('work-factor')).toBe('not-a-backup');
  });

  it('skips the typo search when asked to', async () => {
    const { file } = await makeBackup({});
    const typo = FIXED_SEED.slice();
    typo[0] = 0x10;
    const refused = (p: Promise<unknown>) => p.then(() => null, (x: unknown) => x as BackupError);
    const withHint = (await refused(verifyBackup(bytesSource(file), [{ seed: typo }])))!;
    expect(withHint.typo).toMatchObject({ group: 1, kind: 'digit', position: 1 });
    const without = (await refused(verifyBackup(bytesSource(file), [{ seed: typo }], { typoSearch: false })))!;
    expect(without.kind).toBe('wrong-key');
    expect(without.typo).toBeUndefined();
  });

  it('streams each entry to its writer in pieces, after pass 1, skipping entries the sink declines', async () => {
    const media = prngBytes(300_000, 'streamed');
    const { file, refs } = await makeBackup({ media: [media] });
    let calls = 0;
    const source = () => {
      calls++;
      return bytesSource(file)();
    };
    const log: string[] = [];
    const pieces: Uint8Array[] = [];
    const verified = await openBackupStreaming(source, [{ seed: FIXED_SEED }], ({ name, size }) => {
      expect(calls).toBe(2);
      log.push(`begin ${name} ${size}`);
      if (name === 'manifest.mac') return null;
      return {
        write(chunk) {
          if (name === refs[0]!.path) pieces.push(chunk);
          log.push(`write ${name}`);
        },
        close: () => void log.push(`close ${name}`),
      };
    });
    expect(verified.entries.map((e) => e.name)).toEqual([refs[0]!.path, 'chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    // Streamed, not collected: the 300 KB entry arrives in chunk-sized pieces before it closes.
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(65_536);
    expect(Buffer.concat(pieces).equals(Buffer.from(media))).toBe(true);
    expect(log.indexOf(`close ${refs[0]!.path}`)).toBe(log.lastIndexOf(`write ${refs[0]!.path}`) + 1);
    expect(log.filter((l) => l.startsWith('begin'))).toEqual([
      `begin ${refs[0]!.path} 300000`,
      `begin chat.json.gz ${verified.entries[1]!.size}`,
      `begin manifest.json ${verified.entries[2]!.size}`,
      'begin manifest.mac 65',
    ]);
    expect(log.some((l) => l.endsWith('manifest.mac') && !l.startsWith('begin'))).toBe(false);
  });

  it('aborts the entry being streamed when the file changes during pass 2', async () => {
    const { file } = await makeBackup({ media: [prngBytes(300_000, 'changes')] });
    const altered = file.slice();
    const at = (await inspectBackup(bytesSource(file))).headerSize + 16 + 3 * CHUNK_WITH_TAG + 100; // inside chunk 3
    altered[at] = altered[at]! ^ 1;
    let calls = 0;
    const source = () => bytesSource(calls++ === 0 ? file : altered)();
    const events: string[] = [];
    const writer = (name: string): EntryWriter => ({
      write: () => void events.push(`write ${name}`),
      close: () => void events.push(`close ${name}`),
      abort: (reason) => void events.push(`abort ${name} ${(reason as Error).name}`),
    });
    const e = await openBackupStreaming(source, [{ seed: FIXED_SEED }], ({ name }) => writer(name)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackupError);
    expect((e as BackupError).kind).toBe('corrupted');
    expect(events.filter((x) => x.startsWith('write')).length).toBe(3); // chunks 0-2 matched pass 1
    expect(events[events.length - 1]).toBe(`abort ${events[0]!.slice('write '.length)} AgeError`);
    expect(events.some((x) => x.startsWith('close'))).toBe(false);
  });

  it('hashes every entry once on pass 1 and not again on pass 2, with the SHA-256 it is given', async () => {
    const { file } = await makeBackup({ media: [prngBytes(100_000, 'counted')] });
    let hashed = 0;
    const counting: Sha256Factory = () => {
      const h = sha256.create();
      return { update: (d) => void ((hashed += d.length), h.update(d)), digest: () => h.digest() };
    };
    const v = await openBackupStreaming(bytesSource(file), [{ seed: FIXED_SEED }], () => null, { primitives: { sha256: counting } });
    const entryBytes = v.entries.filter((x) => x.name !== 'padding').reduce((n, x) => n + x.size, 0);
    expect(hashed).toBe(entryBytes);
  });

  it('gives the event loop a task every few MiB while it reads', async () => {
    const { file } = await makeBackup({ media: [prngBytes(6 * 1024 * 1024, 'turns')] });
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    // The event-loop turns seen at each 64 KiB read of pass 1's payload (every read completes at
    // once, so only the reader's own yields let a turn happen between them).
    const seen: number[] = [];
    const source = () =>
      bytesSource(file)().pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, c) {
            seen.push(turns);
            c.enqueue(chunk);
          },
        }),
      );
    setImmediate(spin);
    await verifyBackup(source, [{ seed: FIXED_SEED, type: 'classic' }]);
    spinning = false;
    expect(seen.length).toBeGreaterThan(90);
    expect(seen[seen.length - 1]! - seen[2]!).toBeGreaterThanOrEqual(2);
  });

  it('frees each chunk pass 1 has checked (it keeps none), never one handed to an entry writer, and reads byte streams', async () => {
    const media = prngBytes(500_000, 'released');
    const { file } = await makeBackup({ media: [media] });
    const released: Uint8Array[] = [];
    let opened = 0;
    const counting: ChunkCipherFactory = async (key) => {
      const inner = await nobleChaCha20Poly1305(key);
      return { ...inner, open: async (n, c) => (opened++, inner.open(n, c)), release: (c) => void released.push(c) };
    };
    const kept: Uint8Array[] = [];
    const v = await openBackupStreaming(
      byteSource(file, 7_000),
      [{ seed: FIXED_SEED, type: 'classic' }],
      (info) => (info.name.startsWith('media/') ? { write: (c) => void kept.push(c), close: () => undefined } : null),
      { primitives: { chacha20poly1305: counting } },
    );
    expect(opened).toBe(2 * v.chunks); // both passes
    expect(released.length).toBe(v.chunks); // pass 1's chunks only
    expect(Buffer.from(concatBytes(...kept)).equals(Buffer.from(media))).toBe(true); // pass 2's, intact
  });
});
