// The built CLI, run as a child process against backups made with the real BackupWriter: every
// command's success path, every error kind with its exit code, each way of giving a key, and that
// decrypt leaves its destination untouched whenever it fails.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupWriter } from '../../src/backup/writer';
import { sealKeyFile } from '../../src/crypto/keyfile';
import { sealKeyring } from '../../src/crypto/keyring';
import { deriveKeyId, deriveMacKey, groupDigits, seedToDigits, seedToIdentity, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import type { ChatExport } from '../../src/export/types';
import { parseWhatsAppExport } from '../../src/export/whatsapp-txt';
import { runInPty } from '../helpers/pty';
import { buildCliCopy, runCli } from './run-cli';

const CHUNK = 65536 + 16;
let bundle: string;
let dir: string;

// Fixed seeds, so every run exercises the same digits (typo positions included).
const seed = Uint8Array.from(createHash('sha256').update('chatseal cli test key').digest());
const otherSeed = Uint8Array.from(createHash('sha256').update('chatseal cli other key').digest());
const digits = seedToDigits(seed);
const media = [Uint8Array.from(randomBytes(150 * 1024)), new TextEncoder().encode('a small voice note')];
const chat: ChatExport = parseWhatsAppExport(readFileSync(new URL('../fixtures/whatsapp/sample-android.txt', import.meta.url), 'utf8'), {
  me: 'Maya',
  locale: 'en-US',
  fileName: 'WhatsApp Chat with Alice.txt',
});

interface Made {
  path: string;
  bytes: Uint8Array;
}

async function writeBackup(
  name: string,
  opts: { type?: KeyType; recipientSeed?: Uint8Array; macSeed?: Uint8Array } = {},
): Promise<Made> {
  const recipientSeed = opts.recipientSeed ?? seed;
  const writer = await BackupWriter.create(
    {
      recipient: await seedToRecipient(recipientSeed, opts.type ?? 'classic'),
      keyId: await deriveKeyId(recipientSeed),
      macKey: await deriveMacKey(opts.macSeed ?? recipientSeed),
    },
    { appVersion: 'test' },
  );
  const collected = new Response(writer.ciphertext).arrayBuffer();
  const refs = [];
  for (const m of media) refs.push(await writer.addMedia(m, 'bin'));
  await writer.finish(chat);
  const bytes = new Uint8Array(await collected);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

function variant(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const grouped = (d: string) => groupDigits(d).join(' ');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let good: Made;
let goodPq: Made;
let headerSize: number;

beforeAll(async () => {
  bundle = buildCliCopy();
  dir = mkdtempSync(join(tmpdir(), 'chatseal-cli-test-'));
  good = await writeBackup('good.age');
  goodPq = await writeBackup('good-pq.age', { type: 'pq' });
  const inspected = await runCli(bundle, ['inspect', good.path, '--json']);
  headerSize = JSON.parse(inspected.stdout).headerSize;
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Names next to `dest` that a decrypt may have left behind (temporary folders). */
function leftovers(): string[] {
  return readdirSync(dir).filter((n) => n.includes('.chatseal-'));
}

describe('help, version and usage', () => {
  it('prints help and version with exit 0, and usage errors with exit 1', async () => {
    const help = await runCli(bundle, ['--help']);
    expect(help.code).toBe(0);
    for (const command of ['decrypt', 'verify', 'inspect', 'convert', 'encrypt']) expect(help.stdout).toContain(`chatseal ${command}`);
    const decryptHelp = await runCli(bundle, ['help', 'decrypt']);
    expect(decryptHelp.stdout).toContain('--key-file');
    expect((await runCli(bundle, ['--version'])).stdout).toMatch(/^chatseal \d+\.\d+\.\d+/);
    const bad = await runCli(bundle, ['decrypt', good.path]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('-o is required');
    expect((await runCli(bundle, ['verify', good.path, '--key', digits])).code).toBe(1);
  });

  it('names an unknown option in plain words, without parseArgs\' advice about positional arguments', async () => {
    const r = await runCli(bundle, ['verify', good.path, '--x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('chatseal: unknown option --x; see chatseal help verify\n');
  });
});

describe('inspect', () => {
  it('shows the key id, sizes, chunks and stanza types without a key', async () => {
    const r = await runCli(bundle, ['inspect', good.path, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.keyId).toBe(await deriveKeyId(seed));
    expect(info.fileSize).toBe(good.bytes.length);
    expect(info.headerSize).toBeGreaterThan(0);
    expect(info.chunks).toBe(Math.ceil(info.payloadSize / 65536));
    expect(info.fileSize).toBe(info.headerSize + 16 + info.payloadSize + 16 * info.chunks);
    expect(info.stanzaTypes).toEqual(['chatseal.app/key-id', 'X25519']);
    const text = await runCli(bundle, ['inspect', goodPq.path]);
    expect(text.stdout).toContain(await deriveKeyId(seed));
    expect(text.stdout).toMatch(/mlkem768x25519/);
  });

  it('says "not a ChatSeal backup" (exit 3) for other files', async () => {
    const r = await runCli(bundle, ['inspect', variant('notes.txt', new TextEncoder().encode('hello, not age\n'))]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not a ChatSeal backup');
  });
});

describe('verify', () => {
  it('authenticates with the key on standard input, in groups, and prints a summary', async () => {
    const r = await runCli(bundle, ['verify', good.path], { input: `${grouped(digits).toUpperCase()}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Backup verified');
    expect(r.stdout).toContain(await deriveKeyId(seed));
    expect(r.stdout).toContain(`messages  ${chat.messages.length}`);
  });

  it('prints the summary as JSON', async () => {
    const r = await runCli(bundle, ['verify', good.path, '--json'], { input: digits });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      keyId: await deriveKeyId(seed),
      keyType: 'classic',
      app: 'ChatSeal test',
      site: 'whatsapp-export',
      title: chat.conversation.title,
      messages: chat.messages.length,
      media: 2,
      fileSize: good.bytes.length,
      complete: chat.capture.reachedStart,
    });
    expect(s.entries.map((e: { name: string }) => e.name)).toEqual([
      `media/${sha(media[0]!)}.bin`,
      `media/${sha(media[1]!)}.bin`,
      'chat.json.gz',
      'manifest.json',
      'manifest.mac',
      'padding',
    ]);
  });

  it('opens a post-quantum backup from 64 digits alone (both types tried)', async () => {
    const r = await runCli(bundle, ['verify', goodPq.path, '--json'], { input: digits });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).keyType).toBe('pq');
  });

  it('reads --key-file (identity line with comments) and --identity lists holding several keys', async () => {
    const keyFile = variant('kit.txt', new TextEncoder().encode(`# ChatSeal recovery kit\n${seedToIdentity(seed, 'pq')}\n`));
    expect((await runCli(bundle, ['verify', goodPq.path, '--key-file', keyFile])).code).toBe(0);
    const list = variant('ids.txt', new TextEncoder().encode(`# old\n${seedToIdentity(otherSeed, 'classic')}\n# current\n${seedToIdentity(seed, 'classic')}\n`));
    expect((await runCli(bundle, ['verify', good.path, '--identity', list])).code).toBe(0);
  });

  it('gives the wrong key exit 4, and names the group of a one-digit typo', async () => {
    const wrong = await runCli(bundle, ['verify', good.path], { input: seedToDigits(otherSeed) });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('different key');
    expect(wrong.stderr).toContain(await deriveKeyId(seed));
    // One digit in group 7 (digits 25-28) changed.
    const i = 26;
    const typo = digits.slice(0, i) + ((parseInt(digits[i]!, 16) + 1) % 16).toString(16) + digits.slice(i + 1);
    const r = await runCli(bundle, ['verify', good.path], { input: grouped(typo) });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Group 7 of the key looks wrong');
    // Two different neighbours swapped inside group 3 (digits 9-12).
    const j = [8, 9, 10].find((k) => digits[k] !== digits[k + 1])!;
    const swapped = digits.slice(0, j) + digits[j + 1] + digits[j] + digits.slice(j + 2);
    const s = await runCli(bundle, ['verify', good.path], { input: swapped });
    expect(s.code).toBe(4);
    expect(s.stderr).toMatch(/Group 3 of the key looks wrong \(two neighbouring digits look swapped/);
  });

  it('refuses bad key input with exit 2 before any work', async () => {
    const short = await runCli(bundle, ['verify', good.path], { input: digits.slice(0, 63) });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('Found 63 digits');
    const letter = await runCli(bundle, ['verify', good.path], { input: `${digits.slice(0, 40)}g${digits.slice(41)}` });
    expect(letter.code).toBe(2);
    expect(letter.stderr).toContain('group 11');
    const empty = await runCli(bundle, ['verify', good.path], { input: '' });
    expect(empty.code).toBe(2);
    const identity = seedToIdentity(seed, 'classic');
    const broken = identity.slice(0, -3) + (identity.endsWith('QQQ') ? 'PPP' : 'QQQ');
    const checksum = await runCli(bundle, ['verify', good.path, '--key-file', variant('broken.txt', new TextEncoder().encode(broken))]);
    expect(checksum.code).toBe(2);
    expect(checksum.stderr).toContain('checksum');
  });

  it('reports a missing file as an I/O error (exit 9) before asking for a key', async () => {
    const r = await runCli(bundle, ['verify', join(dir, 'missing.age')]);
    expect(r.code).toBe(9);
    expect(r.stderr).toContain('no such file');
  });
});

describe('password mode', () => {
  let keyFileAge: string;
  const password = 'correct horse battery staple  ';

  beforeAll(async () => {
    // A low work factor keeps the test fast; the format is the same as the options page's 2^18.
    keyFileAge = variant('key.age', await sealKeyFile(seed, 'classic', password, { workFactor: 10 }));
  });

  it('opens the key file with --password-file or a password on standard input, exactly as typed', async () => {
    const pw = variant('pw.txt', new TextEncoder().encode(`${password}\n`));
    expect((await runCli(bundle, ['verify', good.path, '--key-file-age', keyFileAge, '--password-file', pw])).code).toBe(0);
    expect((await runCli(bundle, ['verify', good.path, '--key-file-age', keyFileAge], { input: password })).code).toBe(0);
  });

  it('calls a cut key file "cut short" (exit 6) and an altered one "damaged" (exit 5), without internal codes', async () => {
    const whole = readFileSync(keyFileAge);
    const pw = variant('pw-cut.txt', new TextEncoder().encode(password));
    const cut = await runCli(bundle, ['verify', good.path, '--key-file-age', variant('key-cut.age', whole.subarray(0, whole.length - 20)), '--password-file', pw]);
    expect(cut.code).toBe(6);
    expect(cut.stderr).toContain('chatseal: the key file is cut short: it ends partway through\n');
    expect(cut.stderr).not.toMatch(/not-age|not-password-file|\(damaged\)/);
    const altered = new Uint8Array(whole);
    altered[altered.length - 20]! ^= 1;
    const bad = await runCli(bundle, ['verify', good.path, '--key-file-age', variant('key-altered.age', altered), '--password-file', pw, '--verbose']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('chatseal: the key file is damaged\n');
    expect(bad.stderr).toMatch(/\ndetails: damaged: /);
  });

  it('says wrong password with exit 8 (trailing spaces count)', async () => {
    const r = await runCli(bundle, ['verify', good.path, '--key-file-age', keyFileAge], { input: password.trimEnd() });
    expect(r.code).toBe(8);
    expect(r.stderr).toContain('password does not open');
  });
});

describe('decrypt', () => {
  it('writes chat.json, media/ and manifest.json after verification, in a private folder', async () => {
    const out = join(dir, 'out-ok');
    const r = await runCli(bundle, ['decrypt', good.path, '-o', out], { input: digits });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'chat.json'), 'utf8'))).toEqual(chat);
    expect(readdirSync(out).sort()).toEqual(['chat.json', 'manifest.json', 'media']);
    for (const m of media) expect(new Uint8Array(readFileSync(join(out, 'media', `${sha(m)}.bin`)))).toEqual(m);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).format).toBe('chatseal-backup/1');
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'chat.json')).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('adds to an existing folder that holds none of its names, and refuses one that does', async () => {
    const out = join(dir, 'out-existing');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect((await runCli(bundle, ['decrypt', good.path, '-o', out], { input: digits })).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['chat.json', 'manifest.json', 'media', 'notes.txt']);
    // Second time: chat.json exists, so nothing is done, not even reading the key (stdin empty).
    const again = await runCli(bundle, ['decrypt', good.path, '-o', out]);
    expect(again.code).toBe(9);
    expect(again.stderr).toContain('already holds chat.json, media, manifest.json');
    expect(leftovers()).toEqual([]);
  });

  const payloadStart = () => headerSize + 16;
  const failures: { name: string; make: () => Promise<string> | string; code: number; says: string; input?: () => string }[] = [
    { name: 'not a backup', make: () => variant('random.age', Uint8Array.from(randomBytes(5000))), code: 3, says: 'not a ChatSeal backup' },
    { name: 'wrong key', make: () => good.path, input: () => seedToDigits(otherSeed), code: 4, says: 'different key' },
    {
      name: 'corrupted (a payload byte flipped)',
      make: () => {
        const b = new Uint8Array(good.bytes);
        b[payloadStart() + CHUNK + 100]! ^= 0x01;
        return variant('flipped.age', b);
      },
      code: 5,
      says: 'damaged or was altered',
    },
    {
      name: 'corrupted (a header byte flipped)',
      make: () => {
        const b = new Uint8Array(good.bytes);
        b[headerSize - 10]! ^= 0x01;
        return variant('header.age', b);
      },
      code: 5,
      says: 'damaged or was altered',
    },
    {
      name: 'truncated at a chunk boundary',
      make: () => variant('cut.age', good.bytes.subarray(0, payloadStart() + CHUNK * 2)),
      code: 6,
      says: 'cut short',
    },
    {
      name: 'truncated one byte short',
      make: () => variant('cut1.age', good.bytes.subarray(0, good.bytes.length - 1)),
      code: 6,
      says: 'cut short',
    },
    {
      name: 'manifest MAC from another key',
      make: async () => (await writeBackup('planted.age', { macSeed: otherSeed })).path,
      code: 7,
      says: "signature does not match your key",
    },
    { name: 'bad key input', make: () => good.path, input: () => digits.slice(2), code: 2, says: 'is not a usable key' },
  ];

  it('says how much of a cut backup is there and the least a whole one would be, the chunk only with --verbose', async () => {
    const cut = variant('cut-words.age', good.bytes.subarray(0, good.bytes.length - 1));
    const n = new Intl.NumberFormat('en');
    const r = await runCli(bundle, ['verify', cut], { input: digits });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(
      `chatseal: the backup is cut short: it ends partway through, after ${n.format(good.bytes.length - 1)} bytes; ` +
        `a whole backup would be at least ${n.format(good.bytes.length)} bytes\nThe file may not have finished downloading or copying.\n`,
    );
    const verbose = await runCli(bundle, ['verify', cut, '--verbose'], { input: digits });
    expect(verbose.stderr).toMatch(/\ndetails: .*chunk \d/);
    // The same words from inspect, which needs no key.
    expect((await runCli(bundle, ['inspect', variant('cut-inspect.age', good.bytes.subarray(0, headerSize + 5))])).stderr).toContain('the backup is cut short: it ends partway through, after');
  });

  it('keeps technical findings of a damaged backup for --verbose', async () => {
    const b = new Uint8Array(good.bytes);
    b[payloadStart() + CHUNK + 100]! ^= 0x01;
    const file = variant('flipped-words.age', b);
    const plain = await runCli(bundle, ['verify', file], { input: digits });
    expect(plain.code).toBe(5);
    expect(plain.stderr).toBe('chatseal: the backup is damaged or was altered\nDownload or copy it again.\n');
    const verbose = await runCli(bundle, ['verify', file, '--verbose'], { input: digits });
    expect(verbose.stderr).toMatch(/\ndetails: .+/);
  });

  for (const f of failures) {
    it(`fails with exit ${f.code} for ${f.name}, leaving the destination untouched`, async () => {
      const file = await f.make();
      // A missing destination stays missing…
      const missing = join(dir, `never-${f.code}`);
      const r = await runCli(bundle, ['decrypt', file, '-o', missing], { input: f.input?.() ?? digits });
      expect(r.code).toBe(f.code);
      expect(r.stderr).toContain(f.says);
      expect(r.stdout).toBe('');
      expect(existsSync(missing)).toBe(false);
      // …and an existing one keeps exactly what it had.
      const existing = join(dir, `kept-${f.code}`);
      mkdirSync(existing, { recursive: true });
      writeFileSync(join(existing, 'notes.txt'), 'mine');
      const again = await runCli(bundle, ['decrypt', file, '-o', existing], { input: f.input?.() ?? digits });
      expect(again.code).toBe(f.code);
      expect(readdirSync(existing)).toEqual(['notes.txt']);
      expect(leftovers()).toEqual([]);
    });
  }
});

describe('the terminal prompt', () => {
  it('asks for the key without echoing it, accepting a key typed over several lines', async () => {
    const groups = groupDigits(digits);
    const result = await runInPty(process.execPath, [bundle, 'verify', good.path], {
      answers: [
        { prompt: 'Your 64-digit key:', text: groups.slice(0, 8).join(' ') },
        { prompt: '…', text: groups.slice(8).join(' ') },
      ],
      timeoutMs: 30_000,
    });
    expect(result.output).toContain('Backup verified');
    expect(result.code).toBe(0);
    for (const g of groups) expect(result.output).not.toContain(g);
  });
});

describe('--keyring', () => {
  it('adds the older keys sealed to the current one, so a backup from before a rotation opens', async () => {
    const oldBackup = await writeBackup('old.age', { recipientSeed: otherSeed });
    const keyring = variant(
      'keyring.age',
      await sealKeyring([{ seed: otherSeed, type: 'classic', keyId: await deriveKeyId(otherSeed) }], await seedToRecipient(seed, 'pq')),
    );
    const without = await runCli(bundle, ['verify', oldBackup.path], { input: digits });
    expect(without.code).toBe(4);
    const r = await runCli(bundle, ['verify', oldBackup.path, '--keyring', keyring, '--json'], { input: digits });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).keyId).toBe(await deriveKeyId(otherSeed));
    const out = join(dir, 'out-keyring');
    expect((await runCli(bundle, ['decrypt', oldBackup.path, '-o', out, '--keyring', keyring], { input: digits })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'chat.json'), 'utf8'))).toEqual(chat);
  });

  it('says so when the keyring is not sealed to the key given (exit 4) or is damaged (exit 5)', async () => {
    const sealed = await sealKeyring([{ seed: otherSeed, type: 'classic', keyId: await deriveKeyId(otherSeed) }], await seedToRecipient(otherSeed, 'classic'));
    const foreign = variant('foreign-keyring.age', sealed);
    const r = await runCli(bundle, ['verify', good.path, '--keyring', foreign], { input: digits });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('keyring is not sealed');
    const own = await sealKeyring([{ seed: otherSeed, type: 'classic', keyId: await deriveKeyId(otherSeed) }], await seedToRecipient(seed, 'classic'));
    const damaged = new Uint8Array(own);
    damaged[damaged.length - 5]! ^= 1;
    const d = await runCli(bundle, ['verify', good.path, '--keyring', variant('damaged-keyring.age', damaged)], { input: digits });
    expect(d.code).toBe(5);
    expect(d.stderr).toContain('keyring is damaged');
  });
});
