// User settings in storage.local, one key per setting so two pages changing different settings
// never overwrite each other. Settings only: no chat plaintext, no key material, ever.
import { browser } from 'wxt/browser';
import { KEY_TYPES, type KeyType } from '../crypto/keys';

export interface Settings {
  /** The gentle "check your key or password" reminder (DESIGN.md §2). */
  reminderEnabled: boolean;
  reminderIntervalDays: number;
  /** An unlocked identity is forgotten after this much idle time. */
  unlockTimeoutMinutes: number;
  /** Type for new keys (Advanced): post-quantum hybrid by default, classic for age < 1.3. */
  newKeyType: KeyType;
  captureImages: boolean;
  /**
   * History range of a capture: null for all history, or YYYY-MM-DD to capture only the messages
   * since that day (the capture stops once it has read back past it).
   */
  historySince: string | null;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  reminderEnabled: true,
  reminderIntervalDays: 14,
  unlockTimeoutMinutes: 15,
  newKeyType: 'pq',
  captureImages: true,
  historySince: null,
});

const PREFIX = 'settings.';
const NAMES = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

const VALID: { [K in keyof Settings]: (v: unknown) => v is Settings[K] } = {
  reminderEnabled: (v): v is boolean => typeof v === 'boolean',
  reminderIntervalDays: (v): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 365,
  unlockTimeoutMinutes: (v): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 24 * 60,
  newKeyType: (v): v is KeyType => (KEY_TYPES as readonly unknown[]).includes(v),
  captureImages: (v): v is boolean => typeof v === 'boolean',
  historySince: (v): v is string | null => v === null || isCalendarDay(v),
};

/** A real calendar day written YYYY-MM-DD (what a date input gives). */
export function isCalendarDay(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1970 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
  constructor(readonly setting: string, value: unknown) {
    super(`invalid value for setting ${setting}: ${JSON.stringify(value)}`);
  }
}

/** All settings; a missing or invalid stored value reads as its default. */
export async function getSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get(NAMES.map((n) => PREFIX + n));
  const out = { ...DEFAULT_SETTINGS } as Settings;
  for (const name of NAMES) {
    const v: unknown = stored[PREFIX + name];
    if (VALID[name](v)) (out as unknown as Record<string, unknown>)[name] = v;
  }
  return out;
}

export async function getSetting<K extends keyof Settings>(name: K): Promise<Settings[K]> {
  return (await getSettings())[name];
}

/** Validates every given value before writing any; unknown names are refused. */
export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const items: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(patch)) {
    if (!(name in VALID)) throw new InvalidSettingError(name, value);
    if (!VALID[name as keyof Settings](value)) throw new InvalidSettingError(name, value);
    items[PREFIX + name] = value;
  }
  if (Object.keys(items).length > 0) await browser.storage.local.set(items);
  return getSettings();
}

/** Back to defaults (removes the stored values). */
export async function resetSettings(): Promise<void> {
  await browser.storage.local.remove(NAMES.map((n) => PREFIX + n));
}

/** Calls `listener` with the full settings whenever one changes; returns the unsubscribe. */
export function watchSettings(listener: (settings: Settings) => void): () => void {
  const onChanged = (changes: Record<string, unknown>, area: string): void => {
    if (area !== 'local' || !Object.keys(changes).some((k) => k.startsWith(PREFIX))) return;
    void getSettings().then(listener);
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
