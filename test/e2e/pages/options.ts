// The options page as a user sees it: roles, labels and the English words of
// public/_locales/en/messages.json. No test ids except where the UI map names one.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { ExtensionSession } from '../../helpers/browser';
import type { DownloadCatcher, SavedFile } from '../../helpers/downloads';

export type KeyType = 'pq' | 'classic';

const KEY_TYPE_LABEL: Record<KeyType, string> = {
  pq: 'Post-quantum (recommended)',
  classic: 'Classic (works with age 1.1)',
};

/** "abcd ef01" -> "abcdef01" */
const squeeze = (s: string) => s.replace(/\s+/g, '');

export class OptionsPage {
  private constructor(readonly page: Page) {}

  static async open(ext: ExtensionSession): Promise<OptionsPage> {
    const page = await ext.openPage('options.html');
    await expect(page.getByRole('heading', { level: 1, name: 'ChatSeal settings' })).toBeVisible();
    return new OptionsPage(page);
  }

  /** First-run page: choose a method (and, under Advanced, a key type), then Continue. */
  async chooseSetup(method: 'key' | 'password' | 'existing', keyType?: KeyType): Promise<void> {
    const page = this.page;
    await expect(page.getByRole('heading', { name: 'Protect your backups' })).toBeVisible();
    const label = {
      key: 'Use a 64-digit key (recommended)',
      password: 'Use a password',
      existing: 'I already have a key',
    }[method];
    await page.getByRole('radio', { name: label }).check();
    if (keyType && method !== 'existing') {
      await page.locator('details').filter({ has: page.getByText('Advanced', { exact: true }) }).getByText('Advanced', { exact: true }).click();
      await page.getByRole('radio', { name: KEY_TYPE_LABEL[keyType] }).check();
    }
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /** The 16 groups of 4 digits as shown, read through their accessible names. */
  async readKeyGroups(): Promise<string[]> {
    const list = this.page.getByRole('list', { name: 'Your 64-digit key, in 16 groups of 4' });
    await expect(list.getByRole('listitem')).toHaveCount(16);
    const names = await list.getByRole('listitem').evaluateAll((items) => items.map((li) => li.getAttribute('aria-label') ?? ''));
    return names.map((name, i) => {
      const m = /^Group (\d+): ([0-9a-f ]+)$/i.exec(name);
      if (!m || Number(m[1]) !== i + 1) throw new Error(`unexpected group label: ${name}`);
      return m[2]!.replace(/ /g, '');
    });
  }

  /** The key id shown on the setup step ("Key id: abcd ef01 …"). */
  async readSetupKeyId(): Promise<string> {
    const text = await this.page.locator('p').filter({ hasText: /^Key id/ }).locator('code').textContent();
    return squeeze(text ?? '');
  }

  async downloadRecoveryKit(downloads: DownloadCatcher): Promise<SavedFile> {
    return downloads.expectDownload(() => this.page.getByRole('button', { name: 'Download recovery kit' }).click());
  }

  /** Reads which two groups are asked for, types them from `groups`, confirms. */
  async confirmGroups(groups: string[]): Promise<[number, number]> {
    const legend = await this.page.getByText(/^Type groups \d+ and \d+ to confirm/).textContent();
    const m = /Type groups (\d+) and (\d+)/.exec(legend ?? '');
    if (!m) throw new Error(`no confirmation legend: ${legend}`);
    const asked: [number, number] = [Number(m[1]), Number(m[2])];
    for (const n of asked) {
      await this.page.getByLabel(`Group ${n}`, { exact: true }).fill(groups[n - 1]!);
    }
    await this.page.getByRole('button', { name: 'Confirm' }).click();
    return asked;
  }

  async expectBackupsOn(): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Backups are on' })).toBeVisible({ timeout: 30_000 });
  }

  /** Full 64-digit key setup through the UI. Returns what the user saw and saved. */
  async setUpKey(
    downloads: DownloadCatcher,
    keyType: KeyType,
  ): Promise<{ digits: string; groups: string[]; keyId: string; kit: SavedFile; asked: [number, number] }> {
    await this.chooseSetup('key', keyType);
    await expect(this.page.getByRole('heading', { name: 'Your 64-digit key' })).toBeVisible();
    const groups = await this.readKeyGroups();
    const keyId = await this.readSetupKeyId();
    const kit = await this.downloadRecoveryKit(downloads);
    const asked = await this.confirmGroups(groups);
    await this.expectBackupsOn();
    return { digits: groups.join(''), groups, keyId, kit, asked };
  }

  /** Password setup through the UI; `password` null takes the suggested passphrase. */
  async setUpPassword(password: string | null, keyType: KeyType): Promise<string> {
    await this.chooseSetup('password', keyType);
    const page = this.page;
    await expect(page.getByRole('heading', { name: 'Choose a password' })).toBeVisible();
    const field = page.getByLabel('Password', { exact: true });
    if (password === null) {
      await page.getByRole('button', { name: 'Suggest a passphrase' }).click();
      await expect(field).not.toHaveValue('');
      password = await field.inputValue();
    } else {
      await field.fill(password);
    }
    await expect(page.getByText(/^Strong enough/)).toBeVisible();
    await page.getByLabel('Type the password again').fill(password);
    await page.getByRole('button', { name: 'Turn on backups' }).click();
    await this.expectBackupsOn();
    return password;
  }

  async downloadKeyFile(downloads: DownloadCatcher): Promise<SavedFile> {
    return downloads.expectDownload(() => this.page.getByRole('button', { name: 'Download key file' }).first().click());
  }

  /** "I already have a key": types the key, waits for its key id to show, picks the type, submits. */
  async useExistingKey(keyText: string, keyType: KeyType): Promise<{ previewKeyId: string }> {
    await this.chooseSetup('existing');
    const page = this.page;
    await expect(page.getByRole('heading', { name: 'Use your existing key' })).toBeVisible();
    await page.getByLabel('Your 64-digit key').fill(keyText);
    const shown = page.getByTestId('existing-key-id');
    await expect(shown).toBeVisible();
    const previewKeyId = squeeze((await shown.textContent()) ?? '');
    await page.getByRole('radio', { name: KEY_TYPE_LABEL[keyType] }).check();
    await page.getByRole('button', { name: 'Use this key' }).click();
    await this.expectBackupsOn();
    return { previewKeyId };
  }

  /** From "Backups are on" to the manage view. */
  async finish(): Promise<void> {
    await this.page.getByRole('button', { name: 'Done' }).click();
    await expect(this.page.getByRole('heading', { name: 'Backup key' })).toBeVisible();
  }

  /**
   * Manage view: "Rotate key" to a new 64-digit key, up to the new key's screen. Types the current
   * key, continues past "Choose your new key", and returns the new key's groups as shown.
   */
  async rotateToNewKey(currentKey: string): Promise<string[]> {
    const page = this.page;
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const form = page.getByRole('form', { name: 'Rotate key' });
    await form.getByLabel('Your current 64-digit key').fill(currentKey);
    await form.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Choose your new key' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Your 64-digit key' })).toBeVisible({ timeout: 30_000 });
    return this.readKeyGroups();
  }

  /** Manage view: the key id and, under Advanced, the age recipient. */
  async readManagedKey(): Promise<{ keyId: string; recipient: string; keyTypeText: string }> {
    const page = this.page;
    const keyId = squeeze((await page.getByTestId('key-id').textContent()) ?? '');
    const keyTypeText =
      (await page.locator('dt', { hasText: /^Key type$/ }).locator('xpath=following-sibling::dd[1]').textContent()) ?? '';
    await page.locator('details.advanced > summary').click();
    const recipient = await page.getByLabel('Age recipient (for experts)').inputValue();
    return { keyId, recipient, keyTypeText: keyTypeText.trim() };
  }
}

/** The age identity line and the digits from a downloaded recovery kit (an HTML file). */
export function parseRecoveryKit(kit: SavedFile): { identity: string; digits: string; keyId: string; keyType: string } {
  const html = kit.bytes.toString('utf8');
  const identity = /<pre[^>]*id="age-identity"[^>]*>\s*(AGE-SECRET-KEY-[0-9A-Z-]+)\s*<\/pre>/.exec(html)?.[1];
  const digits = /data-digits="([0-9a-f]{64})"/.exec(html)?.[1];
  const keyId = /data-key-id="([0-9a-f]+)"/.exec(html)?.[1];
  const keyType = /data-key-type="([a-z]+)"/.exec(html)?.[1];
  if (!identity || !digits || !keyId || !keyType) throw new Error('the recovery kit lacks the identity, digits, key id or type');
  return { identity, digits, keyId, keyType };
}
