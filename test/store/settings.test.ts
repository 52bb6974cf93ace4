import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SETTINGS,
  getSetting,
  getSettings,
  InvalidSettingError,
  resetSettings,
  updateSettings,
  watchSettings,
} from '../../src/store/settings';

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  it('defaults', async () => {
    expect(await getSettings()).toEqual({
      reminderEnabled: true,
      reminderIntervalDays: 14,
      unlockTimeoutMinutes: 15,
      newKeyType: 'pq',
      captureImages: true,
      historySince: null,
    });
    expect(DEFAULT_SETTINGS.newKeyType).toBe('pq');
  });

  it('updates persist in storage.local, one key per setting', async () => {
    const s = await updateSettings({ reminderIntervalDays: 30, newKeyType: 'classic' });
    expect(s.reminderIntervalDays).toBe(30);
    expect(s.newKeyType).toBe('classic');
    expect(await getSetting('reminderIntervalDays')).toBe(30);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      'settings.reminderIntervalDays': 30,
      'settings.newKeyType': 'classic',
    });
  });

  it('two partial updates do not overwrite each other', async () => {
    await Promise.all([updateSettings({ captureImages: false }), updateSettings({ unlockTimeoutMinutes: 5 })]);
    expect(await getSettings()).toMatchObject({ captureImages: false, unlockTimeoutMinutes: 5 });
  });

  it.each([
    ['reminderIntervalDays', 0],
    ['reminderIntervalDays', 1.5],
    ['unlockTimeoutMinutes', -1],
    ['unlockTimeoutMinutes', 24 * 60 + 1],
    ['newKeyType', 'rsa'],
    ['reminderEnabled', 'yes'],
    ['captureImages', null],
    ['historySince', '2024-02-30'],
    ['historySince', '12/03/2024'],
    ['historySince', ''],
    ['historySince', 20240312],
    ['somethingElse', true],
  ])('refuses %s = %j and writes nothing', async (name, value) => {
    await expect(updateSettings({ captureImages: false, [name]: value } as never)).rejects.toThrow(InvalidSettingError);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('history range: all history (null) or since a calendar day', async () => {
    expect((await updateSettings({ historySince: '2024-03-12' })).historySince).toBe('2024-03-12');
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ 'settings.historySince': '2024-03-12' });
    expect((await updateSettings({ historySince: null })).historySince).toBeNull();
    await fakeBrowser.storage.local.set({ 'settings.historySince': '2024-13-01' });
    expect((await getSettings()).historySince).toBeNull();
  });

  it('an invalid stored value reads as the default', async () => {
    await fakeBrowser.storage.local.set({ 'settings.unlockTimeoutMinutes': 'soon' });
    expect((await getSettings()).unlockTimeoutMinutes).toBe(15);
  });

  it('reset removes stored values', async () => {
    await updateSettings({ reminderEnabled: false });
    await resetSettings();
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('watchSettings reports changes and unsubscribes', async () => {
    const seen = vi.fn();
    const stop = watchSettings(seen);
    await updateSettings({ reminderEnabled: false });
    await vi.waitFor(() => expect(seen).toHaveBeenCalledWith(expect.objectContaining({ reminderEnabled: false })));
    stop();
    seen.mockClear();
    await updateSettings({ reminderEnabled: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).not.toHaveBeenCalled();
  });
});
