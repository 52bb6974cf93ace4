// convert and encrypt, run as the built CLI: a WhatsApp export becomes the extension parser's
// chatseal/1 document, and a backup that the CLI itself, and Debian's age, open again.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeyId, seedToDigits, seedToIdentity } from '../../src/crypto/keys';
import type { ChatExport } from '../../src/export/types';
import { validateExport } from '../../src/export/validate';
import { importWhatsAppFile, openWhatsAppFile } from '../../src/export/whatsapp-import';
import { readWhatsAppZip } from '../../src/export/whatsapp-zip';
import { buildCliCopy, runCli } from './run-cli';

const fixtures = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const seed = Uint8Array.from(createHash('sha256').update('chatseal cli encrypt key').digest());
const digits = seedToDigits(seed);
let bundle: string;
let dir: string;

beforeAll(() => {
  bundle = buildCliCopy();
  dir = mkdtempSync(join(tmpdir(), 'chatseal-cli-wa-'));
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The parts of a document that depend on when and by what it was made. */
function withoutRunTimes(doc: ChatExport): unknown {
  const { startedAt: _s, finishedAt: _f, tool: _t, ...capture } = doc.capture;
  return { ...doc, capture };
}

describe('convert', () => {
  it('prints the parser\'s chatseal/1 document for a .txt export', async () => {
    const path = join(fixtures, 'sample-android.txt');
    const r = await runCli(bundle, ['convert', path, '--me', 'Maya', '--locale', 'en-US']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ChatExport;
    expect(validateExport(doc).valid).toBe(true);
    const file = await openWhatsAppFile(new Uint8Array(readFileSync(path)), 'sample-android.txt');
    expect(withoutRunTimes(doc)).toEqual(withoutRunTimes(importWhatsAppFile(file, { me: 'Maya', locale: 'en-US' })));
    expect(doc.messages.some((m) => m.direction === 'out')).toBe(true);
  });

  it('reads the chat inside a .zip, and lists participants when --me is missing', async () => {
    const r = await runCli(bundle, ['convert', join(fixtures, 'ios-media.zip'), '--locale', 'en-GB']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ChatExport;
    expect(validateExport(doc).valid).toBe(true);
    expect(doc.source.file?.name).toBe('ios-media.zip');
    expect(r.stderr).toContain('no --me given');
  });

  it('prints for a .zip exactly the document encrypt embeds: media hashed, attachments captured, missing ones warned', async () => {
    const zipPath = join(fixtures, 'ios-media.zip');
    const r = await runCli(bundle, ['convert', zipPath, '--me', 'Felix Braun', '--locale', 'en-GB']);
    expect(r.code).toBe(0);
    const converted = JSON.parse(r.stdout) as ChatExport;
    expect(validateExport(converted).errors).toEqual([]);
    const attachments = converted.messages.flatMap((m) => m.attachments ?? []);
    expect(attachments.filter((a) => a.status === 'captured')).toHaveLength(2);
    expect(converted.capture.warnings.map((w) => w.code)).toContain('media-missing');

    const keyFile = join(dir, 'convert-key.txt');
    writeFileSync(keyFile, `${digits}\n`);
    const backup = join(dir, 'convert.age');
    expect((await runCli(bundle, ['encrypt', zipPath, '-o', backup, '--key-file', keyFile, '--key-type', 'classic', '--me', 'Felix Braun', '--locale', 'en-GB'])).code).toBe(0);
    const out = join(dir, 'convert-out');
    expect((await runCli(bundle, ['decrypt', backup, '-o', out, '--key-file', keyFile])).code).toBe(0);
    const embedded = JSON.parse(readFileSync(join(out, 'chat.json'), 'utf8')) as ChatExport;
    expect(withoutRunTimes(converted)).toEqual(withoutRunTimes(embedded));
    for (const a of attachments.filter((x) => x.status === 'captured')) {
      expect(createHash('sha256').update(readFileSync(join(out, a.path!))).digest('hex')).toBe(a.sha256);
    }
  });

  it('reports unreadable lines on standard error', async () => {
    const r = await runCli(bundle, ['convert', join(fixtures, 'unreadable-lines.txt'), '--locale', 'en-US']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ChatExport;
    expect(doc.capture.unparsedLines.length).toBeGreaterThan(0);
    expect(r.stderr).toContain(`line ${doc.capture.unparsedLines[0]!.line}:`);
  });

  it('refuses what is not a WhatsApp export with exit 10', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list\nmilk\n');
    const r = await runCli(bundle, ['convert', notes]);
    expect(r.code).toBe(10);
    const zip = join(dir, 'broken.zip');
    writeFileSync(zip, Buffer.from('PK\x03\x04 not really a zip'));
    expect((await runCli(bundle, ['convert', zip])).code).toBe(10);
  });
});

describe('encrypt', () => {
  it('makes a classic backup of a .zip that the CLI decrypts to the same chat and media', async () => {
    const backup = join(dir, 'zip.age');
    const keyFile = join(dir, 'key.txt');
    writeFileSync(keyFile, `${digits}\n`);
    const r = await runCli(bundle, ['encrypt', join(fixtures, 'ios-media.zip'), '-o', backup, '--key-file', keyFile, '--key-type', 'classic', '--me', 'Priya Raman']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(await deriveKeyId(seed));

    const out = join(dir, 'zip-out');
    expect((await runCli(bundle, ['decrypt', backup, '-o', out], { input: digits })).code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'chat.json'), 'utf8')) as ChatExport;
    expect(validateExport(doc).valid).toBe(true);
    const zip = await readWhatsAppZip(new Uint8Array(readFileSync(join(fixtures, 'ios-media.zip'))));
    const captured = doc.messages.flatMap((m) => m.attachments ?? []).filter((a) => a.status === 'captured');
    expect(captured.length).toBe(zip.media.length);
    for (const entry of zip.media) {
      const bytes = await entry.read();
      const hash = createHash('sha256').update(bytes).digest('hex');
      const attachment = captured.find((a) => a.name === entry.name)!;
      expect(attachment.sha256).toBe(hash);
      expect(new Uint8Array(readFileSync(join(out, attachment.path!)))).toEqual(bytes);
    }
    expect(doc.messages.some((m) => m.direction === 'out' && m.sender?.name === 'Priya Raman')).toBe(true);

    // Debian's age opens it with the identity, and the tar lists FORMAT.md's order.
    const identity = join(dir, 'identity.txt');
    writeFileSync(identity, `${seedToIdentity(seed, 'classic')}\n`);
    const tar = execFileSync('/usr/bin/age', ['-d', '-i', identity, backup]);
    const names = execFileSync('tar', ['-t'], { input: tar }).toString().trim().split('\n');
    expect(names.slice(zip.media.length)).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    expect(names.slice(0, zip.media.length).every((n) => /^media\/[0-9a-f]{64}\.[a-z0-9]+$/.test(n))).toBe(true);
  });

  it('makes a post-quantum backup from 64 digits by default, and never overwrites', async () => {
    const backup = join(dir, 'pq.age');
    const r = await runCli(bundle, ['encrypt', join(fixtures, 'sample-android.txt'), '-o', backup, '--me', 'Maya'], { input: digits });
    expect(r.code).toBe(0);
    const info = JSON.parse((await runCli(bundle, ['inspect', backup, '--json'])).stdout);
    expect(info.stanzaTypes).toEqual(['chatseal.app/key-id', 'mlkem768x25519']);
    const verified = await runCli(bundle, ['verify', backup, '--json'], { input: digits });
    expect(JSON.parse(verified.stdout)).toMatchObject({ keyType: 'pq', keyId: await deriveKeyId(seed) });

    const before = readFileSync(backup);
    const again = await runCli(bundle, ['encrypt', join(fixtures, 'sample-android.txt'), '-o', backup], { input: digits });
    expect(again.code).toBe(9);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(backup)).toEqual(before);
  });

  it('leaves no file behind when it fails', async () => {
    const notes = join(dir, 'not-chat.txt');
    writeFileSync(notes, 'nothing here\n');
    const backup = join(dir, 'never.age');
    const r = await runCli(bundle, ['encrypt', notes, '-o', backup], { input: digits });
    expect(r.code).toBe(10);
    const bad = await runCli(bundle, ['encrypt', join(fixtures, 'sample-android.txt'), '-o', backup], { input: digits.slice(1) });
    expect(bad.code).toBe(2);
    expect(readdirSync(dir).filter((n) => n.startsWith('never') || n.includes('.chatseal-'))).toEqual([]);
  });
});
