import { describe, expect, it } from 'vitest';
import { CiphertextBlob, FOLD_BYTES } from '../../src/import/ciphertext-blob';

describe('CiphertextBlob', () => {
  it('keeps the bytes in order while never holding more than one fold of them in JS arrays', async () => {
    const sink = new CiphertextBlob(1000);
    const expected: number[] = [];
    for (let i = 0; i < 60; i++) {
      const chunk = Uint8Array.from({ length: 37 + (i % 5) * 50 }, (_v, j) => (i * 7 + j) & 0xff);
      expected.push(...chunk);
      sink.push(chunk);
      expect(sink.peakPendingBytes).toBeLessThan(1000 + 237);
    }
    const blob = sink.finish();
    expect(blob.type).toBe('application/octet-stream');
    expect(blob.size).toBe(expected.length);
    expect(sink.size).toBe(expected.length);
    expect(sink.folds).toBeGreaterThan(5);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(Uint8Array.from(expected));
  });

  it('folds every 8 MiB by default, and an empty backup is an empty Blob', () => {
    expect(FOLD_BYTES).toBe(8 * 1024 * 1024);
    expect(new CiphertextBlob().finish().size).toBe(0);
  });
});
