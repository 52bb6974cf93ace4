// Tampering with a backup, byte region by byte region: each alteration must be refused with the
// kind docs/FORMAT.md's table gives ("Error kinds"), decided by ChatSeal's own checks, and nothing
// may be released. The backup is about 230 KiB of media, so its payload has four chunks.
import { beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_WITH_TAG, NONCE_SIZE } from '../../src/age/stream';
import { bytesSource } from '../../src/age/gate';
import { inspectBackup, verifyBackup } from '../../src/backup/reader';
import { encodeManifest, buildManifest, signManifest } from '../../src/backup/manifest';
import { tarHeader } from '../../src/backup/tar';
import { deriveMacKey } from '../../src/crypto/keys';
import { concatBytes, utf8Encode } from '../../src/crypto/bytes';
import {
  encryptTo,
  entryRange,
  expectRefused,
  FIXED_SEED,
  flip,
  makeBackup,
  OTHER_SEED,
  plaintextOf,
  prngBytes,
} from './helpers';

let file: Uint8Array; // ~230 KiB media, classic key
let headerSize: number;
let chunks: number;
let small: Uint8Array; // no media: a one-chunk backup for the plaintext flips
let smallTar: Uint8Array;

beforeAll(async () => {
  file = (await makeBackup({ media: [prngBytes(230 * 1024)] })).file;
  const info = await inspectBackup(bytesSource(file));
  headerSize = info.headerSize;
  chunks = info.chunks;
  small = (await makeBackup({})).file;
  smallTar = await plaintextOf(small);
});

/** Runs the checks a few at a time: WebCrypto's X25519 and HKDF run off the main thread in Node. */
async function inBatches<T>(items: readonly T[], check: (item: T) => Promise<unknown>, size = 8): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(check));
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  return work().finally(() => console.log(`${label}: ${(performance.now() - t0).toFixed(0)} ms`));
}

describe('tampering with a backup', () => {
  it('opens untouched (the baseline the alterations start from)', async () => {
    const v = await verifyBackup(bytesSource(file), [{ seed: FIXED_SEED }]);
    expect(v.chunks).toBe(chunks);
    expect(chunks).toBeGreaterThanOrEqual(4);
    expect(v.keyType).toBe('classic');
  });

  it('refuses every byte of the age header flipped, key-id stanza included: corrupted', async () => {
    await timed(`header flips (${headerSize} bytes x 3 masks)`, async () => {
      const flips = range(0, headerSize).flatMap((i) => [0x01, 0x80, 0xff].map((mask) => ({ i, mask })));
      await inBatches(flips, ({ i, mask }) =>
        expectRefused(flip(file, i, mask), 'corrupted', [{ seed: FIXED_SEED }], `header byte ${i} ^ ${mask}`),
      );
    });
  });

  it('refuses post-quantum header bytes flipped (all but the 1,494-character share, and every 16th of it): corrupted', async () => {
    // Each attempt costs an ML-KEM decapsulation (~7 ms), so the long share argument is sampled.
    const pq = (await makeBackup({ type: 'pq' })).file;
    const size = (await inspectBackup(bytesSource(pq))).headerSize;
    expect(size).toBeGreaterThan(1500);
    const text = new TextDecoder().decode(pq.subarray(0, size));
    const shareStart = text.indexOf('-> mlkem768x25519 ') + '-> mlkem768x25519 '.length;
    const shareEnd = text.indexOf('\n', shareStart);
    expect(shareEnd - shareStart).toBe(1494);
    let flips = 0;
    await timed('pq header flips', async () => {
      for (let i = 0; i < size; i++) {
        if (i >= shareStart && i < shareEnd && (i - shareStart) % 16 !== 0 && i !== shareEnd - 1) continue;
        await expectRefused(flip(pq, i, 0x01), 'corrupted', [{ seed: FIXED_SEED }], `pq header byte ${i}`);
        flips++;
      }
    });
    expect(flips).toBeGreaterThan(250);
  });

  it('refuses every byte of manifest.json flipped and re-encrypted validly to our recipient: mac-failed', async () => {
    const { start, size } = entryRange(smallTar, 'manifest.json');
    await timed(`manifest.json flips (${size} bytes)`, async () => {
      await inBatches(range(start, start + size), async (i) =>
        expectRefused(await encryptTo(flip(smallTar, i, 0x01)), 'mac-failed', [{ seed: FIXED_SEED }], `manifest byte ${i - start}`),
      );
    });
  });

  it('refuses every byte of manifest.mac flipped and re-encrypted validly to our recipient: mac-failed', async () => {
    const { start, size } = entryRange(smallTar, 'manifest.mac');
    expect(size).toBe(65);
    const flips = range(start, start + size).flatMap((i) => [0x01, 0x20].map((mask) => ({ i, mask })));
    await inBatches(flips, async ({ i, mask }) =>
      expectRefused(await encryptTo(flip(smallTar, i, mask)), 'mac-failed', [{ seed: FIXED_SEED }], `mac byte ${i - start} ^ ${mask}`),
    );
  });

  it('refuses a sample of payload bytes flipped (nonce, every chunk, tags, last byte): corrupted', async () => {
    const payloadStart = headerSize;
    const positions = new Set<number>();
    for (let i = 0; i < NONCE_SIZE; i += 5) positions.add(payloadStart + i);
    for (let k = 0; k < chunks; k++) {
      const c = payloadStart + NONCE_SIZE + k * CHUNK_WITH_TAG;
      for (const d of [0, 1, 511, 4096, 65535, 65536, 65551]) if (c + d < file.length) positions.add(c + d);
    }
    positions.add(file.length - 1);
    positions.add(file.length - 17);
    for (let i = 0; i < 24; i++) positions.add(payloadStart + Math.floor(((i + 0.5) / 24) * (file.length - payloadStart)));
    await timed(`payload flips (${positions.size} positions)`, async () => {
      for (const p of positions) await expectRefused(flip(file, p, 0x04), 'corrupted', [{ seed: FIXED_SEED }], `payload byte ${p}`);
    });
  });

  it('refuses truncation at every chunk boundary and one byte either side: truncated', async () => {
    const cuts: number[] = [];
    for (let k = 0; k < chunks; k++) {
      const boundary = headerSize + NONCE_SIZE + k * CHUNK_WITH_TAG;
      cuts.push(boundary - 1, boundary, boundary + 1);
      if (k > 0) cuts.push(boundary + 16); // would look like an (invalid) empty final chunk
    }
    cuts.push(file.length - 1, file.length - 16, file.length - 17);
    for (const cut of cuts) {
      expect(cut).toBeLessThan(file.length);
      await expectRefused(file.subarray(0, cut), 'truncated', [{ seed: FIXED_SEED }], `cut at ${cut}`);
    }
  });

  it('refuses a file cut inside its header: truncated', async () => {
    for (const cut of [1, 10, 21, 22, 40, headerSize - 1]) {
      await expectRefused(file.subarray(0, cut), 'truncated', [{ seed: FIXED_SEED }], `cut at ${cut}`);
    }
  });

  it('refuses bytes appended: corrupted', async () => {
    const tails = [
      new Uint8Array(1),
      new Uint8Array(16),
      new Uint8Array(512),
      prngBytes(4096, 'tail'),
      prngBytes(CHUNK_WITH_TAG, 'tail'),
      file.subarray(headerSize + NONCE_SIZE, headerSize + NONCE_SIZE + CHUNK_WITH_TAG),
      file,
    ];
    for (const [i, tail] of tails.entries()) {
      await expectRefused(concatBytes(file, tail), 'corrupted', [{ seed: FIXED_SEED }], `tail ${i} (${tail.length} bytes)`);
    }
  });

  it('refuses a well-formed age file to our recipient without a valid manifest.mac: mac-failed', async () => {
    const { start } = entryRange(smallTar, 'manifest.mac');
    // 1. The MAC replaced by a MAC under another key (what a forger without the seed can make).
    const manifestRange = entryRange(smallTar, 'manifest.json');
    const manifestBytes = smallTar.subarray(manifestRange.start, manifestRange.start + manifestRange.size);
    const forged = smallTar.slice();
    forged.set(await signManifest(await deriveMacKey(OTHER_SEED), manifestBytes), start);
    await expectRefused(await encryptTo(forged), 'mac-failed', undefined, 'MAC under another key');
    // 2. The same, without ChatSeal's key-id stanza.
    await expectRefused(await encryptTo(forged, FIXED_SEED, { keyId: false }), 'mac-failed', undefined, 'no key-id stanza');
    // 3. A tar with no manifest.mac at all.
    const noMac = concatBytes(smallTar.subarray(0, start - 512), tarHeader('padding', 0, 0), new Uint8Array(1024));
    await expectRefused(await encryptTo(noMac), 'mac-failed', undefined, 'no manifest.mac entry');
    // 4. A manifest listing different entries, with a valid MAC under the wrong key.
    const other = encodeManifest(buildManifest({ source: { site: 'x' }, conversation: { title: 't' }, messages: [], capture: { reachedStart: false } }, '1', '2026-01-01T00:00:00Z', []));
    const planted = concatBytes(tarHeader('manifest.json', other.length, 0), other);
    await expectRefused(await encryptTo(planted), 'mac-failed', undefined, 'planted manifest');
    // 5. Any other plaintext to our recipient: with our key-id stanza it is a failed authentication;
    //    without it, simply not a ChatSeal backup.
    await expectRefused(await encryptTo(utf8Encode('hello')), 'mac-failed', undefined, 'text with key id');
    await expectRefused(await encryptTo(utf8Encode('hello'), FIXED_SEED, { keyId: false }), 'not-a-backup', undefined, 'text without key id');
  });

  it('refuses a backup opened with a different key: wrong-key, no typo hint', async () => {
    const e = await expectRefused(file, 'wrong-key', [{ seed: OTHER_SEED }], 'other key');
    expect(e.typo).toBeUndefined();
    expect(e.extra.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a key one digit off or with two neighbours swapped: wrong-key, and says where', async () => {
    const oneDigit = FIXED_SEED.slice();
    oneDigit[9] = oneDigit[9]! ^ 0x03; // digits 19-20: group 5 (digits 17-20), the second digit of byte 9
    const e1 = await expectRefused(small, 'wrong-key', [{ seed: oneDigit }], 'one digit');
    expect(e1.typo).toMatchObject({ group: 5, kind: 'digit', position: 20 });
    expect(e1.typo!.seed).toEqual(FIXED_SEED);

    const swapped = FIXED_SEED.slice();
    swapped[12] = 0xc0; // byte 12 is 0x0c: digits 25-26 "0c" typed "c0", group 7
    const e2 = await expectRefused(small, 'wrong-key', [{ seed: swapped }], 'swap');
    expect(e2.typo).toMatchObject({ group: 7, kind: 'swap', position: 25 });
  });

  it('refuses files that are not backups: not-a-backup', async () => {
    await expectRefused(new Uint8Array(0), 'not-a-backup', undefined, 'empty');
    await expectRefused(utf8Encode('PK\x03\x04 a zip file'), 'not-a-backup', undefined, 'zip');
    await expectRefused(await encryptTo(smallTar, OTHER_SEED, { keyId: false }), 'not-a-backup', undefined, 'age file to someone else');
  });
});
