// Issue 2, Done when 2: "I already have a key" in a fresh profile (a second browser) reproduces the
// same key id, shown before the key is used, and the same recipient (Advanced).
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { OptionsPage, parseRecoveryKit, type KeyType } from './pages/options';
import { ageRecipientOf } from '../helpers/age-cli';

const TYPE_TEXT: Record<KeyType, string> = {
  classic: 'Classic (works with age 1.1)',
  pq: 'Post-quantum (recommended)',
};

for (const keyType of ['classic', 'pq'] as const) {
  test(`a second browser joins the same ${keyType} key with "I already have a key"`, async ({ ext, downloads, newProfile, tmp }) => {
    // First browser: a new 64-digit key, set up as in the key-mode test.
    const first = await OptionsPage.open(ext);
    const setup = await first.setUpKey(downloads, keyType);
    await first.finish();
    const original = await first.readManagedKey();
    expect(original.keyId).toBe(setup.keyId);

    // Second browser, fresh profile: the key typed the way people copy it from paper: groups
    // with dashes and spaces, upper case, across two lines.
    const second = await newProfile();
    const secondOptions = await OptionsPage.open(second);
    const typed = `${setup.groups.slice(0, 8).join('-').toUpperCase()}\n${setup.groups.slice(8).join(' ')}`;
    const { previewKeyId } = await secondOptions.useExistingKey(typed, keyType);
    expect(previewKeyId).toBe(setup.keyId);
    // "Backups are on" names the key by the same id.
    await expect(secondOptions.page.getByRole('status').filter({ hasText: setup.keyId.match(/.{4}/g)!.join(' ') })).toBeVisible();

    await secondOptions.finish();
    const joined = await secondOptions.readManagedKey();
    expect(joined).toEqual({ keyId: original.keyId, recipient: original.recipient, keyTypeText: TYPE_TEXT[keyType] });
    expect(joined.recipient.startsWith(keyType === 'pq' ? 'age1pq1' : 'age1')).toBe(true);

    if (keyType === 'classic') {
      // Debian's age-keygen agrees with both browsers about the recipient of the kit's identity.
      const identityFile = path.join(tmp, 'identity.txt');
      fs.writeFileSync(identityFile, `${parseRecoveryKit(setup.kit).identity}\n`, { mode: 0o600 });
      expect(joined.recipient).toBe(await ageRecipientOf(identityFile));
    }
  });
}
