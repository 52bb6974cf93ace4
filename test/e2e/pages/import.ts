// The import page ("Encrypt an export file…"), driven as a user would.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { ExtensionSession } from '../../helpers/browser';
import type { DownloadCatcher, SavedFile } from '../../helpers/downloads';

export class ImportPage {
  private constructor(readonly page: Page) {}

  /** Opens it the way a user does: popup › "Encrypt an export file…" opens a new tab. */
  static async openFromPopup(ext: ExtensionSession): Promise<ImportPage> {
    const popup = await ext.openPage('popup.html');
    const [page] = await Promise.all([
      ext.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(`${ext.origin}/import.html`) }),
      popup.getByRole('button', { name: 'Encrypt an export file…' }).click(),
    ]);
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1, name: 'Encrypt an export file' })).toBeVisible();
    return new ImportPage(page);
  }

  /** Picks the file, chooses who "me" is, checks the summary, encrypts and returns the saved file. */
  async encryptExport(
    downloads: DownloadCatcher,
    file: string,
    me: string,
  ): Promise<{ saved: SavedFile; summary: Record<string, string>; savedText: string }> {
    const page = this.page;
    await expect(page.getByRole('heading', { name: 'Choose a WhatsApp export' })).toBeVisible();
    await page.getByLabel('WhatsApp export file (.txt or .zip)').setInputFiles(file);
    await expect(page.getByRole('heading', { name: 'Which one is you?' })).toBeVisible();
    await page.getByRole('radio', { name: new RegExp(`^${me} \\(`) }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Check the chat' })).toBeVisible();
    const summary = await page.getByTestId('import-summary').evaluate((dl) => {
      const out: Record<string, string> = {};
      for (const dt of Array.from(dl.querySelectorAll('dt'))) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
      return out;
    });
    const saved = await downloads.expectDownload(
      () => page.getByRole('button', { name: 'Encrypt and save backup' }).click(),
      60_000,
    );
    await expect(page.getByRole('heading', { name: 'Backup saved' })).toBeVisible();
    const savedText = (await page.getByText(/^Saved as /).textContent()) ?? '';
    return { saved, summary, savedText };
  }
}

export const fixturePath = (...parts: string[]) => path.join(import.meta.dirname, '..', '..', 'fixtures', ...parts);
