// Reading backups: both key types, unknown types, several keys, inspection without a key, entry
// release only after pass 1, and a file that changes between the two passes.
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/age/gate';
import { BackupError } from '../../src/backup/errors';
import { fromAgeError, inspectBackup, openBackup, verifyBackup } from '../../src/backup/reader';
import { AgeError } from '../../src/age/errors';
import { asBufferSource } from '../../src/crypto/bytes';
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
});
