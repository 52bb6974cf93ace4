// Issue 2, Done when 2 (a) and (b), 64-digit key: a classic key set up through the options page, a
// WhatsApp export encrypted through the import page, and the saved file opened by tools that are
// not the extension: the ChatSeal CLI, and Debian's age 1.1 with the recovery kit's identity.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { OptionsPage, parseRecoveryKit } from './pages/options';
import { ImportPage, fixturePath } from './pages/import';
import { ageDecryptWithIdentity, ageRecipientOf } from '../helpers/age-cli';
import { comparable, readGzipJson, readJson } from '../helpers/chat-doc';
import { chatseal, runOk, tarList } from '../helpers/run';
import { hexToBytes, secretForms, findText } from '../helpers/secrets';
import { dumpWorkerStorage } from '../helpers/storage-dump';

const SAMPLE = fixturePath('whatsapp', 'sample-android.txt');

test('64-digit classic key: import page backup opens with the CLI and with age 1.1', async ({ ext, downloads, tmp }) => {
  // Setup through the UI, as a user: read the 16 groups, save the kit, type two groups back.
  const options = await OptionsPage.open(ext);
  const setup = await options.setUpKey(downloads, 'classic');
  expect(setup.digits).toMatch(/^[0-9a-f]{64}$/);
  expect(setup.asked[0]).not.toBe(setup.asked[1]);
  for (const n of setup.asked) expect(n >= 1 && n <= 16, `group ${n}`).toBe(true);

  // The recovery kit carries the same key, as digits and as the classic age identity.
  const kit = parseRecoveryKit(setup.kit);
  expect(kit.digits).toBe(setup.digits);
  expect(kit.keyId).toBe(setup.keyId);
  expect(kit.keyType).toBe('classic');
  expect(kit.identity).toBe(secretForms(hexToBytes(setup.digits)).classicIdentity);
  const kitText = setup.kit.bytes.toString('utf8');
  expect(kitText).toContain('ChatSeal will never ask you for this key');
  expect(kitText).toContain('age -d -i identity.txt');
  expect(kitText).toMatch(/<svg[\s\S]*<\/svg>/); // the QR code

  // The manage view shows the same key; its recipient is what Debian's age-keygen derives.
  await options.finish();
  const managed = await options.readManagedKey();
  expect(managed.keyId).toBe(setup.keyId);
  expect(managed.keyTypeText).toBe('Classic (works with age 1.1)');
  const identityFile = path.join(tmp, 'identity.txt');
  fs.writeFileSync(identityFile, `${kit.identity}\n`, { mode: 0o600 });
  expect(managed.recipient).toBe(await ageRecipientOf(identityFile));

  // Encrypt the sample export through the import page, opened from the popup.
  const importPage = await ImportPage.openFromPopup(ext);
  const { saved, summary, savedText } = await importPage.encryptExport(downloads, SAMPLE, 'Maya');
  const backup = path.join(tmp, 'backup.age');
  fs.writeFileSync(backup, saved.bytes);
  expect(saved.bytes.subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
  // The file name says when, not whose chat: nothing of the chat leaks into a folder listing.
  expect(saved.suggestedName).toMatch(/^ChatSeal-\d{4}-\d{2}-\d{2}-[a-z2-7]{10}\.age$/);
  expect(savedText).toContain(saved.suggestedName!);

  // What anyone can see without the key names our key.
  const inspect = await chatseal(['inspect', backup, '--json']);
  expect(inspect.code, inspect.stderr).toBe(0);
  expect(JSON.parse(inspect.stdout.toString('utf8'))).toMatchObject({ keyId: setup.keyId });

  // (1) The CLI decrypts it, with the key as the user wrote it down, to the document `convert`
  // makes from the same export, apart from capture times and the app version.
  const keyFile = path.join(tmp, 'key.txt');
  fs.writeFileSync(keyFile, `${setup.groups.join(' ')}\n`, { mode: 0o600 });
  const out = path.join(tmp, 'out');
  const decrypted = await chatseal(['decrypt', backup, '-o', out, '--key-file', keyFile]);
  expect(decrypted.code, decrypted.stderr).toBe(0);
  const converted = await chatseal(['convert', SAMPLE, '--me', 'Maya']);
  expect(converted.code, converted.stderr).toBe(0);
  const expected = JSON.parse(converted.stdout.toString('utf8'));
  const fromExtension = readJson(path.join(out, 'chat.json'));
  expect(comparable(fromExtension)).toEqual(comparable(expected));
  // Both sides above come from our own parser; the hand-checked fixture guards against a parser
  // bug that would show up identically on both.
  expect(comparable(fromExtension)).toEqual(comparable(readJson(fixturePath('whatsapp', 'sample-android.expected.json'))));
  expect((fromExtension as { schema: string }).schema).toBe('chatseal/1');
  expect(Number(summary['Messages']!.replace(/,/g, ''))).toBe(expected.messages.length);
  const me = expected.conversation.participants.find((p: { name: string }) => p.name === 'Maya');
  expect(me).toMatchObject({ isMe: true });

  // (2) Debian's age 1.1 opens it with the kit's identity; tar lists FORMAT.md's entry order
  // (no media in a .txt export).
  const tarFile = path.join(tmp, 'backup.tar');
  await ageDecryptWithIdentity(kit.identity, backup, tarFile);
  expect(await tarList(tarFile)).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
  const unpacked = path.join(tmp, 'unpacked');
  fs.mkdirSync(unpacked);
  await runOk('tar', ['-xf', tarFile, '-C', unpacked]);
  expect(readGzipJson(path.join(unpacked, 'chat.json.gz'))).toEqual(fromExtension);

  // The chat itself was never written to disk by the extension (storage.session is memory only).
  const lines = ['Confirmation: LX7Q2P', 'Did you see the flight prices for Lisbon?', 'Jonas Weber'];
  const { session: _memoryOnly, ...persisted } = await dumpWorkerStorage(ext.sw);
  expect(findText(persisted, lines)).toEqual([]);
});

test('a .zip export with media: the media entries come first, byte for byte', async ({ ext, downloads, tmp }) => {
  const options = await OptionsPage.open(ext);
  const setup = await options.setUpKey(downloads, 'classic');
  const kit = parseRecoveryKit(setup.kit);

  const importPage = await ImportPage.openFromPopup(ext);
  const zip = fixturePath('whatsapp', 'ios-media.zip');
  const { saved, summary } = await importPage.encryptExport(downloads, zip, 'Felix Braun');
  expect(summary['Media']).toMatch(/^2 files/);
  const backup = path.join(tmp, 'backup.age');
  fs.writeFileSync(backup, saved.bytes);

  // Debian's age and tar: media/<sha256>.<ext> first, then FORMAT.md's fixed tail.
  const tarFile = path.join(tmp, 'backup.tar');
  await ageDecryptWithIdentity(kit.identity, backup, tarFile);
  const entries = await tarList(tarFile);
  expect(entries.slice(-4)).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
  const media = entries.slice(0, -4);
  expect(media).toHaveLength(2);
  for (const name of media) expect(name).toMatch(/^media\/[0-9a-f]{64}\.[a-z0-9]+$/);

  // Each media entry is an attachment from the zip, named by its SHA-256.
  const unpacked = path.join(tmp, 'unpacked');
  fs.mkdirSync(unpacked);
  await runOk('tar', ['-xf', tarFile, '-C', unpacked]);
  const originals = ['00000003-PHOTO-2026-11-20-09-14-30.jpg', '00000004-AUDIO-2026-11-20-09-15-11.opus'].map((f) =>
    fs.readFileSync(fixturePath('whatsapp', 'ios-media', f)),
  );
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  expect(media.map((m) => sha(fs.readFileSync(path.join(unpacked, m)))).sort()).toEqual(originals.map(sha).sort());
  for (const m of media) expect(path.basename(m).split('.')[0]).toBe(sha(fs.readFileSync(path.join(unpacked, m))));

  // The import page and the CLI's `encrypt` (the same job from a terminal) make the same chat of
  // it: both backups decrypt (with the CLI) to one document, apart from capture times and version;
  // it is also what `convert` prints and the hand-checked expected document.
  const keyFile = path.join(tmp, 'key.txt');
  fs.writeFileSync(keyFile, `${kit.identity}\n`, { mode: 0o600 });
  const cliBackup = path.join(tmp, 'cli.age');
  const encrypted = await chatseal(['encrypt', zip, '-o', cliBackup, '--me', 'Felix Braun', '--key-file', keyFile, '--key-type', 'classic']);
  expect(encrypted.code, encrypted.stderr).toBe(0);
  const docs = [];
  for (const [name, file] of [['from-page', backup], ['from-cli', cliBackup]] as const) {
    const out = path.join(tmp, name);
    const decrypted = await chatseal(['decrypt', file, '-o', out, '--key-file', keyFile]);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    expect(fs.readdirSync(path.join(out, 'media')).sort()).toEqual(media.map((m) => path.basename(m)).sort());
    docs.push(comparable(readJson(path.join(out, 'chat.json'))));
  }
  expect(docs[0]).toEqual(docs[1]);
  const converted = await chatseal(['convert', zip, '--me', 'Felix Braun']);
  expect(converted.code, converted.stderr).toBe(0);
  expect(docs[0]).toEqual(comparable(JSON.parse(converted.stdout.toString('utf8'))));
  // The hand-checked document was written for the file as WhatsApp names it; this copy of the
  // fixture is named ios-media.zip, which is the only thing that may differ.
  const handChecked = comparable(readJson(fixturePath('whatsapp', 'ios-media.expected.json')));
  (handChecked.source as { file: { name: string } }).file.name = 'ios-media.zip';
  expect(docs[0]).toEqual(handChecked);
});
