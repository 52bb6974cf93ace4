// Keyboard focus between setup steps, in Chromium with the production build: pressing Enter on a
// step's button lands focus on the next step's heading (a script-only focus target: tabindex=-1,
// no focus ring), so keyboard and screen reader users start reading at the top of the new step.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { OptionsPage } from './pages/options';

/** What has focus: tag, text, tabindex, and whether a ring is drawn. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: el.textContent?.trim() ?? '',
      tabindex: el.getAttribute('tabindex'),
      ring: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
    };
  });
}

async function expectHeadingFocused(page: Page, text: string) {
  await expect(page.getByRole('heading', { level: 2, name: text })).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => focused(page)).toEqual({ tag: 'h2', text, tabindex: '-1', ring: false });
}

test('Enter on "Continue" moves focus to each new step’s heading (64-digit key, back, password, existing key)', async ({ ext }) => {
  const { page } = await OptionsPage.open(ext);
  await expectHeadingFocused(page, 'Protect your backups');

  // Keyboard only: Tab to the button, then Enter.
  const cont = page.getByRole('button', { name: 'Continue' });
  for (let i = 0; i < 20 && !(await cont.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(cont).toBeFocused();
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'Your 64-digit key');

  // "Back" by keyboard returns to the choice, focus on its heading.
  await page.getByRole('button', { name: 'Back', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'Protect your backups');

  await page.getByRole('radio', { name: 'Use a password' }).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Continue' }).focus();
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'Choose a password');

  await page.getByRole('button', { name: 'Back', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'Protect your backups');
  await page.getByRole('radio', { name: 'I already have a key' }).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Continue' }).focus();
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'Use your existing key');
  // A keyboard user's own Tab still shows the ring on controls.
  await page.keyboard.press('Tab');
  await expect.poll(async () => (await focused(page))?.ring).toBe(true);
});

test('Enter in the last group field confirms, and focus lands on "Backups are on"', async ({ ext }) => {
  const options = await OptionsPage.open(ext);
  const { page } = options;
  await options.chooseSetup('key');
  await expectHeadingFocused(page, 'Your 64-digit key');
  const groups = await options.readKeyGroups();
  const legend = await page.getByText(/^Type groups \d+ and \d+ to confirm/).textContent();
  const [, a, b] = /Type groups (\d+) and (\d+)/.exec(legend ?? '')!;
  await page.getByLabel(`Group ${a}`, { exact: true }).fill(groups[Number(a) - 1]!);
  await page.getByLabel(`Group ${b}`, { exact: true }).fill(groups[Number(b) - 1]!);
  await page.getByLabel(`Group ${b}`, { exact: true }).press('Enter');
  await expectHeadingFocused(page, 'Backups are on');
});
