// A password key file that does not open: cut short (exit 6), damaged (5), or not a key file (2),
// decided from the file's own bytes, with plain words and the internal kind only as a detail.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliKeyDependencies } from '../../src/cli/key-deps';
import { CliError, ExitCode } from '../../src/cli/exit-codes';
import { sealKeyFile } from '../../src/crypto/keyfile';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { seedToRecipient } from '../../src/crypto/keys';

const seed = Uint8Array.from(createHash('sha256').update('chatseal key-deps test').digest());
const password = 'correct horse battery staple';
let classic: Uint8Array;
let pq: Uint8Array;

beforeAll(async () => {
  // A low work factor keeps these fast; the file is otherwise what the options page writes.
  classic = await sealKeyFile(seed, 'classic', password, { workFactor: 10, createdAt: '2026-11-26T10:00:00.000Z' });
  pq = await sealKeyFile(seed, 'pq', password, { workFactor: 10, createdAt: '2026-11-26T10:00:00.000Z' });
});

async function failure(file: Uint8Array, pw = password): Promise<CliError> {
  try {
    await cliKeyDependencies.openKeyFile!(file, pw);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    const err = e as CliError;
    // No internal codes in what every user sees; they are in the detail (--verbose).
    expect(`${err.message} ${err.hint ?? ''}`).not.toMatch(/not-age|not-password-file|bad-stanza|damaged\)|\(contents\)/);
    return err;
  }
  throw new Error('expected the key file to be refused');
}

const headerEnd = (file: Uint8Array) => {
  const text = new TextDecoder('latin1').decode(file);
  return text.indexOf('\n', text.indexOf('\n--- ') + 1) + 1;
};

describe('password key file failures', () => {
  it('opens a whole key file of either type', async () => {
    for (const file of [classic, pq]) expect((await cliKeyDependencies.openKeyFile!(file, password))[0]!.seed).toEqual(seed);
  });

  it('calls a file cut anywhere "cut short" with exit 6, in the header or in the payload', async () => {
    for (const file of [classic, pq]) {
      const end = headerEnd(file);
      for (const cut of [20, end - 10, end + 5, end + 20, file.length - 30, file.length - 1]) {
        const e = await failure(file.subarray(0, cut));
        expect(e.code, `cut at ${cut} of ${file.length}`).toBe(ExitCode.truncated);
        expect(e.message).toBe('the key file is cut short: it ends partway through');
        expect(e.hint).toContain('Download key file');
        expect(e.detail).toBeDefined();
      }
    }
  });

  it('calls an altered file "damaged" with exit 5: a flipped payload or header byte, or bytes added', async () => {
    const end = headerEnd(classic);
    const flipped = new Uint8Array(classic);
    flipped[end + 40]! ^= 1;
    const header = new Uint8Array(classic);
    header[end - 5]! ^= 1; // inside the header MAC
    const appended = new Uint8Array([...classic, 1, 2, 3]);
    for (const [name, file] of Object.entries({ flipped, header, appended })) {
      const e = await failure(file);
      expect(e.code, name).toBe(ExitCode.corrupted);
      expect(e.message).toBe('the key file is damaged');
    }
  });

  it('says when the file is not a password key file at all (exit 2)', async () => {
    const notes = await failure(new TextEncoder().encode('my shopping list\n'));
    expect(notes.code).toBe(ExitCode.badKeyInput);
    expect(notes.message).toBe('the file given with --key-file-age is not a ChatSeal key file');
    const toKey = await encryptAgeBytes(new TextEncoder().encode('hello'), { recipients: [await seedToRecipient(seed, 'classic')] });
    const e = await failure(toKey);
    expect(e.code).toBe(ExitCode.badKeyInput);
    expect(e.message).toContain('not protected by a password');
    expect(e.detail).toContain('not-password-file');
  });

  it('still says wrong password (exit 8) for a whole file', async () => {
    expect((await failure(classic, 'wrong')).code).toBe(ExitCode.wrongPassword);
  });
});
