// Issue 4, Done when 1: the production build in Chromium with Google's hostnames answered by the
// local Drive. Connect Drive by clicking through Google's window, export a chat (the import page
// with sample-android.txt), and the backup appears in "ChatSeal Backups" under a dated opaque
// name with ChatSeal's appProperties; downloaded from Drive's API (files.get alt=media, as any
// client would) and decrypted with the CLI it is the original export, field for field.
import { comparable, readJson } from '../helpers/chat-doc';
import { chatseal } from '../helpers/run';
import {
  backupThroughImportPage,
  backupsInDrive,
  connectDrive,
  decryptBackup,
  downloadFromDrive,
  expect,
  expectOneCompleteBackup,
  setUpTestKey,
  test,
} from './drive-harness';
import { fixturePath } from './pages/import';

test('connect Drive through Google\'s window, export a chat: the backup in ChatSeal Backups decrypts to the original export', async ({ ext, drive, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const popup = await ext.openPage('popup.html');
  await connectDrive(ext.context, popup);
  await popup.close();

  const sample = fixturePath('whatsapp', 'sample-android.txt');
  const saved = await backupThroughImportPage(ext, downloads, sample, 'Maya');
  await expectOneCompleteBackup(ext, drive, saved.bytes);
  const [file] = backupsInDrive(drive);
  // Dated and opaque: nothing of the chat (its title, its people) in the name.
  expect(file!.name).not.toMatch(/maya|felix|sample|whatsapp/iu);
  expect(file!.mimeType).toBe('application/octet-stream');
  const today = new Date();
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  expect(file!.name.startsWith(`ChatSeal-${day}-`)).toBe(true);
  expect(Math.abs(Date.parse(file!.appProperties.createdAt!) - Date.now())).toBeLessThan(10 * 60_000);

  const downloaded = await downloadFromDrive(drive, file!.id);
  expect(downloaded.equals(saved.bytes)).toBe(true);
  const doc = await decryptBackup(downloaded, key.digits, tmp);
  const converted = await chatseal(['convert', sample, '--me', 'Maya']);
  expect(converted.code, converted.stderr).toBe(0);
  expect(comparable(doc)).toEqual(comparable(JSON.parse(converted.stdout.toString('utf8'))));
  expect(comparable(doc)).toEqual(comparable(readJson(fixturePath('whatsapp', 'sample-android.expected.json'))));

  // The popup, opened afresh, reports it as the last backup and has nothing waiting.
  const fresh = await ext.openPage('popup.html');
  await expect(fresh.getByTestId('last-backup')).toContainText('Last backup: “');
  await expect(fresh.getByTestId('outbox-item')).toHaveCount(0);
});
