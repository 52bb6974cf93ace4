import { describe, expect, it } from 'vitest';
import { CHUNK_UNIT, ChunkSizer } from '../../src/drive/chunk-size';

const MiB = 1024 * 1024;

describe('ChunkSizer', () => {
  it('starts at 1 MiB and stays a multiple of 256 KiB within bounds', () => {
    const sizer = new ChunkSizer();
    expect(sizer.size).toBe(MiB);
    const speeds = [0.3, 50, 1e4, 7, 123_456, 0.01, 999, 3e5];
    for (const kBps of speeds) {
      sizer.record(sizer.size, (sizer.size / (kBps * 1000)) * 1000);
      expect(sizer.size % CHUNK_UNIT).toBe(0);
      expect(sizer.size).toBeGreaterThanOrEqual(CHUNK_UNIT);
      expect(sizer.size).toBeLessThanOrEqual(64 * MiB);
    }
  });

  it('grows toward about 8 s of upload at a fast measured speed, at most 4x a step, up to 64 MiB', () => {
    const sizer = new ChunkSizer();
    const bytesPerMs = 20 * MiB / 1000; // 20 MiB/s: 8 s would be 160 MiB, above the cap
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      sizer.record(sizer.size, sizer.size / bytesPerMs);
      sizes.push(sizer.size);
    }
    expect(sizes).toEqual([4 * MiB, 16 * MiB, 64 * MiB, 64 * MiB, 64 * MiB]);
    expect(sizer.bytesPerSecond).toBeCloseTo(20 * MiB, -3);
  });

  it('settles where a chunk takes about the target time', () => {
    const sizer = new ChunkSizer();
    const bytesPerMs = 512 * 1024 / 1000; // 512 KiB/s: 8 s = 4 MiB
    for (let i = 0; i < 6; i++) sizer.record(sizer.size, sizer.size / bytesPerMs);
    expect(sizer.size).toBe(4 * MiB);
    expect((sizer.size / bytesPerMs) / 1000).toBeLessThanOrEqual(8);
  });

  it('shrinks at once when the network slows down, never below 256 KiB', () => {
    const sizer = new ChunkSizer({ initialBytes: 32 * MiB });
    sizer.record(32 * MiB, 4000); // 8 MiB/s
    expect(sizer.size).toBe(64 * MiB);
    sizer.record(64 * MiB, 64_000); // 1 MiB/s now: estimate (8+1)/2 = 4.5 MiB/s -> 36 MiB
    expect(sizer.size).toBe(36 * MiB);
    for (let i = 0; i < 10; i++) sizer.record(sizer.size, (sizer.size / 10_000) * 1000); // 10 kB/s
    expect(sizer.size).toBe(CHUNK_UNIT);
  });

  it('halves after a failed chunk, within bounds; bounds are rounded to 256 KiB', () => {
    const sizer = new ChunkSizer({ initialBytes: 3 * MiB, minBytes: 300_000, maxBytes: 5 * MiB + 1 });
    expect(sizer.size).toBe(3 * MiB);
    sizer.failed();
    expect(sizer.size).toBe(1.5 * MiB);
    sizer.failed();
    sizer.failed();
    expect(sizer.size).toBe(2 * CHUNK_UNIT); // min 300 000 rounds up to 512 KiB
    sizer.record(2 * CHUNK_UNIT, 1);
    sizer.record(sizer.size, 1);
    sizer.record(sizer.size, 1);
    expect(sizer.size).toBe(5 * MiB); // max rounds down
  });
});
