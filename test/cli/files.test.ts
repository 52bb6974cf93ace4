// entryFile: where the CLI's decrypt streams each released entry. A new private file, written as
// the entry arrives (through gunzip for chat.json), waiting for the disk rather than buffering,
// never replacing a file, and with file-system failures as the CLI's I/O error.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../src/cli/exit-codes';
import { entryFile } from '../../src/cli/files';

const dir = mkdtempSync(join(tmpdir(), 'chatseal-entry-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

describe('entryFile', () => {
  it('writes an entry piece by piece into a new 0600 file', async () => {
    const data = pseudoRandom(20 * 1024 * 1024, 7);
    const path = join(dir, 'media.bin');
    const w = entryFile(path);
    for (let o = 0; o < data.length; o += 65_536) await w.write(data.subarray(o, o + 65_536));
    await w.close();
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(data))).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('gunzips when asked', async () => {
    const json = JSON.stringify({ messages: Array.from({ length: 5000 }, (_, i) => ({ key: `m${i}`, text: 'hello '.repeat(i % 30) })) });
    const gz = gzipSync(json);
    const path = join(dir, 'chat.json');
    const w = entryFile(path, { gunzip: true });
    for (let o = 0; o < gz.length; o += 1000) await w.write(gz.subarray(o, o + 1000));
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe(json);
  });

  it('never replaces a file: an existing one is an I/O error and keeps its contents', async () => {
    const path = join(dir, 'taken');
    writeFileSync(path, 'mine');
    const w = entryFile(path);
    const e = await (async () => {
      await w.write(new Uint8Array(10));
      await w.close();
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe(ExitCode.io);
    expect((e as CliError).message).toContain('it already exists');
    expect(readFileSync(path, 'utf8')).toBe('mine');
  });

  it('passes a gunzip failure on as it is, and stops cleanly when aborted', async () => {
    const broken = entryFile(join(dir, 'broken.json'), { gunzip: true });
    const e = await (async () => {
      await broken.write(new TextEncoder().encode('not gzip at all'));
      await broken.close();
    })().catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(CliError);
    expect((e as NodeJS.ErrnoException).code).toBe('Z_DATA_ERROR');

    const stopped = entryFile(join(dir, 'stopped.bin'));
    await stopped.write(new Uint8Array(1000));
    await stopped.abort!(new Error('the file changed between reads'));
    await expect(stopped.write(new Uint8Array(1))).rejects.toThrow('the file changed between reads');
  });

  it('has closed its file by the time a failure or an abort returns, so the folder can be removed at once', async () => {
    // The CLI removes its temporary folder right after a failure; a file still being opened or
    // closed would make that removal fail (ENOTEMPTY) and leave partial plaintext behind.
    for (let round = 0; round < 20; round++) {
      const sub = mkdtempSync(join(dir, 'round-'));
      const broken = entryFile(join(sub, 'chat.json'), { gunzip: true });
      await (async () => {
        await broken.write(new TextEncoder().encode('not gzip at all'));
        await broken.close();
      })().catch(() => undefined);
      const stopped = entryFile(join(sub, 'media.bin'));
      await stopped.abort!(new Error('stop'));
      rmSync(sub, { recursive: true });
      expect(() => statSync(sub)).toThrow();
    }
  });
});
