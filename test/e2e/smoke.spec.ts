// The built extension loads, opens its options page on install, and its popup renders.
import { test, expect } from './fixtures';
import { extensionManifest } from '../helpers/browser';

test('the production build loads with a running service worker', async ({ ext }) => {
  const manifest = extensionManifest();
  expect(manifest.manifest_version).toBe(3);
  expect(ext.sw.url()).toBe(`${ext.origin}/${manifest.background?.service_worker}`);
  expect(ext.extensionId).toMatch(/^[a-p]{32}$/);
});

test('the options page opens on install', async ({ ext }) => {
  await expect
    .poll(() => ext.context.pages().map((p) => p.url().split(/[?#]/)[0]), { timeout: 15_000 })
    .toContain(`${ext.origin}/options.html`);
  const options = ext.context.pages().find((p) => p.url().startsWith(`${ext.origin}/options.html`));
  await expect(options!.getByRole('heading', { level: 1, name: 'ChatSeal settings' })).toBeVisible();
  await expect(options!.getByRole('heading', { name: 'Protect your backups' })).toBeVisible();
  await expect(options!.getByRole('radio', { name: 'Use a 64-digit key (recommended)' })).toBeChecked();
});

test('the popup renders', async ({ ext }) => {
  const popup = await ext.openPage('popup.html');
  await expect(popup.getByRole('heading', { level: 1, name: 'ChatSeal' })).toBeVisible();
  // A fresh profile has no key yet.
  await expect(popup.getByRole('heading', { name: 'Backups are off' })).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Set up your backup key' })).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Encrypt an export file…' })).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Settings' })).toBeVisible();
});
