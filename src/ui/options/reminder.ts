// The gentle reminder, as WhatsApp does it: every two weeks, ask the user to check that they still
// have their 64-digit key or password (the interval is a setting, 14 days by default). Due counts
// from the last successful check, or from setup.
import type { KeyStateView, Settings } from '../../messaging/protocol';

const DAY_MS = 24 * 60 * 60 * 1000;

export function reminderDue(
  state: KeyStateView,
  settings: Pick<Settings, 'reminderEnabled' | 'reminderIntervalDays'>,
  now: Date,
): boolean {
  if (!state.configured || !settings.reminderEnabled) return false;
  const since = state.lastCheckedAt ?? state.confirmedAt ?? state.createdAt;
  const from = Date.parse(since);
  if (Number.isNaN(from)) return true;
  return now.getTime() - from >= settings.reminderIntervalDays * DAY_MS;
}
