// Issue 2, Done when 2, password mode: a password set through the options page protects a
// standard age passphrase key file; Debian's age opens that file with the password typed at a
// terminal, and the identity inside opens a backup made through the import page.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { OptionsPage } from './pages/options';
import { ImportPage, fixturePath } from './pages/import';
import { ageDecryptWithIdentity, ageDecryptWithPassword, ageRecipientOf, identityLine } from '../helpers/age-cli';
import { comparable, readJson } from '../helpers/chat-doc';
import { chatseal, tarList } from '../helpers/run';

const SAMPLE = fixturePath('whatsapp', 'sample-android.txt');
// Typed, not suggested: spaces, punctuation and precomposed non-ASCII letters, which must reach
// scrypt exactly as typed (no Unicode normalisation), or age could not open the file with it.
const PASSWORD = 'Grüne Äpfel & sieben tapfere Schneider, 1812!';

test('password mode, classic: age opens the key file with the password; its identity opens the backup', async ({
  ext,
  downloads,
  tmp,
}) => {
  const options = await OptionsPage.open(ext);
  expect(await options.setUpPassword(PASSWORD, 'classic')).toBe(PASSWORD);
  const keyFile = await options.downloadKeyFile(downloads);
  const keyFilePath = path.join(tmp, 'key-file.age');
  fs.writeFileSync(keyFilePath, keyFile.bytes);

  // A standard age passphrase file: one scrypt stanza, work factor 2^18.
  const header = keyFile.bytes.toString('latin1').split('\n---')[0]!;
  expect(header.startsWith('age-encryption.org/v1\n')).toBe(true);
  const stanzas = header.split('\n').filter((l) => l.startsWith('-> '));
  expect(stanzas).toHaveLength(1);
  expect(stanzas[0]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 18$/);

  // Debian's age, password typed at a (pseudo-)terminal.
  const identityOut = path.join(tmp, 'identity.txt');
  await ageDecryptWithPassword(keyFilePath, identityOut, PASSWORD);
  const identity = identityLine(fs.readFileSync(identityOut, 'utf8'));
  expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  // The same letters in another Unicode normal form are another password.
  await expect(ageDecryptWithPassword(keyFilePath, path.join(tmp, 'nfd.txt'), PASSWORD.normalize('NFD'))).rejects.toThrow(
    /incorrect passphrase|failed to decrypt/i,
  );

  // The key the options page manages is the one in the key file.
  await options.finish();
  const managed = await options.readManagedKey();
  expect(managed.keyTypeText).toBe('Classic (works with age 1.1)');
  expect(managed.recipient).toBe(await ageRecipientOf(identityOut));
  await expect(options.page.getByText('Password', { exact: true })).toBeVisible();

  // A backup made through the import page opens with that identity, in FORMAT.md's order.
  const importPage = await ImportPage.openFromPopup(ext);
  const { saved } = await importPage.encryptExport(downloads, SAMPLE, 'Maya');
  const backup = path.join(tmp, 'backup.age');
  fs.writeFileSync(backup, saved.bytes);
  const tarFile = path.join(tmp, 'backup.tar');
  await ageDecryptWithIdentity(identity, backup, tarFile);
  expect(await tarList(tarFile)).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);

  // And the CLI opens it the password-mode way: key file plus password.
  const passwordFile = path.join(tmp, 'password.txt');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const out = path.join(tmp, 'out');
  const decrypted = await chatseal(['decrypt', backup, '-o', out, '--key-file-age', keyFilePath, '--password-file', passwordFile]);
  expect(decrypted.code, decrypted.stderr).toBe(0);
  const converted = await chatseal(['convert', SAMPLE, '--me', 'Maya']);
  expect(converted.code, converted.stderr).toBe(0);
  expect(comparable(readJson(path.join(out, 'chat.json')))).toEqual(comparable(JSON.parse(converted.stdout.toString('utf8'))));
});
