// Google Drive from the popup, against the local Drive at Google's real hostnames: Connect opens
// Google's sign-in window from the worker (launchWebAuthFlow), Allow brings the account's e-mail to
// the popup, and a backup made on the import page leaves the outbox for the "ChatSeal Backups"
// folder with a dated name and ChatSeal's appProperties, byte for byte the file that was saved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { startDriveEmulator, type DriveEmulator } from '../../tools/drive-emulator/index.mjs';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';
import { expect, test as base } from './fixtures';
import { fixturePath, ImportPage } from './pages/import';
import { OptionsPage } from './pages/options';

const test = base.extend<{ drive: DriveEmulator }>({
  // eslint-disable-next-line no-empty-pattern
  drive: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-drive-'));
    const drive = await startDriveEmulator({ dir });
    await use(drive);
    await drive.close();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  extLaunch: async ({ drive }, use) => use({ hostMap: drive.hostMap }),
});

/** Clicks Connect in the popup and Allow in Google's window (the emulator's consent page). */
async function connectDrive(context: BrowserContext, popup: Page): Promise<void> {
  const [consent] = await Promise.all([
    context.waitForEvent('page', { predicate: (p) => p.url().startsWith('https://accounts.google.com/o/oauth2/v2/auth'), timeout: 30_000 }),
    popup.getByRole('button', { name: 'Connect Google Drive' }).click(),
  ]);
  await consent.waitForLoadState();
  await expect(consent.getByText('maya@example.com').first()).toBeVisible();
  await consent.getByRole('button', { name: 'Allow' }).click();
}

test('Connect Google Drive in the popup: sign-in window, Allow, the account e-mail; nothing of the token at rest', async ({ ext, drive }) => {
  const popup = await ext.openPage('popup.html');
  await expect(popup.getByText(/Backups wait, encrypted, on this computer/)).toBeVisible();
  await connectDrive(ext.context, popup);
  await expect(popup.getByTestId('drive-account')).toHaveText('Connected as maya@example.com', { timeout: 30_000 });

  // The sign-in asked for drive.file only, with our client id and the stable redirect URL.
  const authorize = drive.admin.log().find((e) => e.host === 'accounts.google.com' && e.path === '/o/oauth2/v2/auth');
  expect(authorize?.query).toMatchObject({
    client_id: 'chatseal-local-test.apps.googleusercontent.com',
    redirect_uri: `https://${ext.extensionId}.chromiumapp.org/`,
    response_type: 'token',
    scope: 'https://www.googleapis.com/auth/drive.file',
  });
  expect(ext.extensionId).toBe('lnkaefdkfjahfdoadlheicdokmihjhnm');

  const stored = await ext.sw.evaluate(async () => {
    const c = (globalThis as unknown as { chrome: { storage: Record<'local' | 'session', { get(k: null): Promise<Record<string, unknown>> }> } }).chrome;
    return { local: await c.storage.local.get(null), session: await c.storage.session.get(null) };
  });
  expect(stored.local['drive.account']).toMatchObject({ email: 'maya@example.com' });
  expect(JSON.stringify(stored.local)).not.toContain('accessToken');
  expect(JSON.stringify(stored.session)).toContain('accessToken');

  // A popup opened later shows the same account.
  await popup.reload();
  await expect(popup.getByTestId('drive-account')).toHaveText('Connected as maya@example.com');
});

test('a backup made on the import page uploads to the ChatSeal Backups folder, named by date, byte for byte', async ({ ext, drive, downloads }) => {
  const options = await OptionsPage.open(ext);
  await options.setUpKey(downloads, 'classic');
  const popup = await ext.openPage('popup.html');
  await connectDrive(ext.context, popup);
  await expect(popup.getByTestId('drive-account')).toHaveText('Connected as maya@example.com', { timeout: 30_000 });

  const importPage = await ImportPage.openFromPopup(ext);
  const { saved } = await importPage.encryptExport(downloads, fixturePath('whatsapp', 'sample-android.txt'), 'Maya');
  await expect(importPage.page.getByTestId('import-queued')).toBeVisible();

  await expect.poll(() => drive.admin.files().filter((f) => f.name.endsWith('.age')).length, { timeout: 60_000 }).toBe(1);
  const file = drive.admin.files().find((f) => f.name.endsWith('.age'))!;
  expect(file.name).toMatch(BACKUP_FILE_NAME);
  expect(file.path).toBe(`ChatSeal Backups/${file.name}`);
  expect(file.appProperties).toMatchObject({ chatsealKind: 'backup', formatVersion: '1' });
  expect(file.appProperties.keyId).toMatch(/^[0-9a-f]{16}$/u);
  expect(Date.parse(file.appProperties.createdAt!)).not.toBeNaN();
  expect(drive.admin.fileContent(file.id).equals(saved.bytes)).toBe(true);

  // The popup shows it as the last backup, with the chat's title while it is in memory.
  const fresh = await ext.openPage('popup.html');
  await expect(fresh.getByTestId('last-backup')).toContainText('Last backup: “');
  await expect(fresh.getByTestId('outbox-item')).toHaveCount(0);
});

test('password mode: connecting Drive uploads the key file, the same bytes the user can download', async ({ ext, drive, downloads }) => {
  const options = await OptionsPage.open(ext);
  await options.setUpPassword(null, 'classic');
  const keyFile = await options.downloadKeyFile(downloads);
  const popup = await ext.openPage('popup.html');
  await connectDrive(ext.context, popup);
  await expect(popup.getByTestId('drive-account')).toHaveText('Connected as maya@example.com', { timeout: 30_000 });

  await expect.poll(() => drive.admin.files().filter((f) => f.appProperties.chatsealKind === 'key-file').length, { timeout: 60_000 }).toBe(1);
  const file = drive.admin.files().find((f) => f.appProperties.chatsealKind === 'key-file')!;
  expect(file.path).toBe(`ChatSeal Backups/${file.name}`);
  expect(file.name).toBe(`ChatSeal-key-file-${file.appProperties.keyId}.age`);
  expect(drive.admin.fileContent(file.id).equals(keyFile.bytes)).toBe(true);
});
