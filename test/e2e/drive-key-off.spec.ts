// Outbox reason 'no-key', wired in the production build: a password-mode key file is queued for
// Drive when Drive gets connected, but Drive refuses uploads for now; the user turns the key off
// on the options page while that upload is still being retried. The key file must never reach
// Drive (the user deleted that key; once there it would also replace a newer key file): the
// outbox holds it at once as failed with the popup's words, and Retry, with Drive healthy again,
// still sends nothing. Cancel takes it out.
import { words } from './capture-steps';
import { closeExtensionPages, connectDrive, expect, outboxItems, test } from './drive-harness';
import { OptionsPage } from './pages/options';

test('a key file queued for Drive is held as "no-key" when the key is turned off mid-upload, and never uploaded', async ({ ext, drive }) => {
  test.setTimeout(180_000);
  const options = await OptionsPage.open(ext);
  await options.setUpPassword(null, 'classic');
  await options.page.close();

  // Every upload request is refused (OAuth and metadata work) until the faults are cleared.
  drive.admin.addFault({ match: { pathPrefix: '/upload/' }, action: { status: 503 }, times: 100_000 });
  const popup = await ext.openPage('popup.html');
  await connectDrive(ext.context, popup);
  await closeExtensionPages(ext);
  // The key file is queued on connect and its upload is being retried against 503s.
  await expect
    .poll(async () => (await outboxItems(ext)).map((i) => [i.kind, i.state]), { timeout: 30_000 })
    .toEqual([['key-file', 'uploading']]);
  await expect.poll(() => drive.admin.log().filter((e) => e.path.startsWith('/upload/') && e.status === 503).length, { timeout: 30_000 }).toBeGreaterThan(0);

  const manage = await OptionsPage.open(ext);
  await manage.page.getByRole('button', { name: 'Turn off', exact: true }).click();
  await manage.page.getByLabel('Type DELETE to confirm').fill('DELETE');
  await manage.page.getByRole('button', { name: 'Delete my key from this computer' }).click();
  await expect(manage.page.getByText('Your key was deleted from this computer. Backups are off.')).toBeVisible();
  const turnedOffAt = Date.now();

  // Held at once (not after the client's retries run out), the upload in flight stopped.
  await expect.poll(async () => (await outboxItems(ext)).map((i) => [i.kind, i.state, i.reason]), { timeout: 10_000 }).toEqual([['key-file', 'failed', 'no-key']]);
  expect(Date.now() - turnedOffAt).toBeLessThan(10_000);
  drive.admin.clearFaults();

  const view = await ext.openPage('popup.html');
  const item = view.getByTestId('outbox-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'failed');
  await expect(item.getByTestId('outbox-reason')).toHaveText(words('outboxReasonNoKey'));
  // Retry with Drive healthy: still held, nothing sent.
  const requestsBefore = drive.admin.log().length;
  await item.getByRole('button', { name: 'Retry' }).click();
  await view.waitForTimeout(2000);
  await expect(item.getByTestId('outbox-reason')).toHaveText(words('outboxReasonNoKey'));
  expect((await outboxItems(ext)).map((i) => [i.kind, i.state, i.reason])).toEqual([['key-file', 'failed', 'no-key']]);
  expect(drive.admin.log().slice(requestsBefore).filter((e) => e.path.startsWith('/upload/') && e.method !== 'OPTIONS'), 'no upload request after Retry').toEqual([]);
  expect(drive.admin.files().filter((f) => f.name.endsWith('.age')), 'no key file in Drive').toEqual([]);
  // (CORS preflights are answered before faults apply; they carry nothing.)
  expect(drive.admin.log().filter((e) => e.path.startsWith('/upload/') && e.method !== 'OPTIONS' && e.status !== 503), 'every upload request was refused').toEqual([]);

  // Cancel takes it out of the outbox.
  await item.getByRole('button', { name: 'Cancel' }).click();
  await item.getByRole('button', { name: 'Remove backup' }).click();
  await expect(view.getByTestId('outbox-item')).toHaveCount(0);
  expect(await outboxItems(ext)).toEqual([]);
});
