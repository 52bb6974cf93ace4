import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobSha256, ONE_SHOT_BYTES } from '../../src/backup/blob-sha256';

describe('blobSha256', () => {
  it.each([
    ['a small file (one-shot)', 1000],
    ['a file above the one-shot size (streamed)', ONE_SHOT_BYTES + 12345],
  ])('matches node:crypto for %s', async (_what, size) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 997) bytes[i] = i & 255;
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await blobSha256(new Blob([bytes]))).toBe(expected);
  });
});
