// An abandoned rotation leaves no old key behind: the user proves the current key under "Rotate
// key", sees the new key, and closes the tab. storage.session (memory, until the browser closes)
// may hold the NEW seed, so a reopened page shows the same key; it must not hold the key being
// replaced, nor any older one. Then the rotation is finished from a reopened page, which proves
// the keyring sealed at rotation time really carries the replaced key.
import { test, expect } from './fixtures';
import { OptionsPage } from './pages/options';
import { findSecret, hexToBytes, secretForms, type Finding } from '../helpers/secrets';
import { dumpPageStorage, dumpWorkerStorage } from '../helpers/storage-dump';

const where = (findings: Finding[]) => findings.map((f) => `${f.at}: ${f.form}`);

test('closing the tab mid-rotation leaves neither the current nor an older seed in storage.session', async ({ ext, downloads }) => {
  // Three keys, so there is an older one in the keyring too: set up, rotate once, rotate again.
  const options = await OptionsPage.open(ext);
  const first = await options.setUpKey(downloads, 'pq');
  await options.finish();
  const secondGroups = await options.rotateToNewKey(first.digits);
  const secondKeyId = await options.readSetupKeyId();
  await options.confirmGroups(secondGroups);
  await options.expectBackupsOn();
  await options.finish();
  const current = secondGroups.join('');

  const thirdGroups = await options.rotateToNewKey(current);
  const shown = thirdGroups.join('');
  await options.page.close();

  const dump = await dumpWorkerStorage(await ext.currentWorker());
  const session = dump.session;
  // The current key and the older one: nowhere at all, session included, in any spelling.
  expect(where(findSecret(session, secretForms(hexToBytes(current))))).toEqual([]);
  expect(where(findSecret(session, secretForms(hexToBytes(first.digits))))).toEqual([]);
  expect(where(findSecret(dump, secretForms(hexToBytes(current))))).toEqual([]);
  expect(where(findSecret(dump, secretForms(hexToBytes(first.digits))))).toEqual([]);
  // The shown key is there (that is what makes a reopened page show it again), and only there.
  expect(findSecret(session, secretForms(hexToBytes(shown))).length).toBeGreaterThan(0);
  const { session: _memoryOnly, ...persisted } = dump;
  expect(where(findSecret(persisted, secretForms(hexToBytes(shown))))).toEqual([]);

  // Reopened: the same new key, still waiting; confirming it keeps both older keys reachable.
  const reopened = await OptionsPage.open(ext);
  await expect(reopened.page.getByText(/^This is the new key ChatSeal showed you before this page was reloaded/)).toBeVisible();
  expect(await reopened.readKeyGroups()).toEqual(thirdGroups);
  await reopened.confirmGroups(thirdGroups);
  await reopened.expectBackupsOn();
  await reopened.finish();
  await reopened.page.locator('details.advanced > summary').click();
  // "Older keys", newest first: the key the rotation replaced, then the first one.
  const olderKeyIds = (await reopened.page.locator('details.advanced').getByRole('listitem').allTextContents()).map((t) =>
    t.replace(/\s+/g, ''),
  );
  expect(olderKeyIds).toEqual([secondKeyId, first.keyId]);

  const after = await dumpWorkerStorage(await ext.currentWorker());
  const web = await dumpPageStorage(reopened.page);
  for (const digits of [first.digits, current, shown]) {
    expect(where(findSecret({ after, web }, secretForms(hexToBytes(digits))))).toEqual([]);
  }
});
