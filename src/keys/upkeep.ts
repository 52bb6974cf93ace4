// What the worker keeps true while no ChatSeal page is open: the toolbar badge ("!" when a check
// of the key or password is due) and two one-shot alarms, one at the moment the next check falls
// due (to raise the badge on time) and one at the moment a shown, unconfirmed key lapses (so its
// seed leaves storage.session then, not whenever something next reads it). Everything is
// recomputed from the key service's state by sync(), which the worker calls at start-up, at
// browser start, after every key service change, after a settings change and when an alarm fires.
import { browser } from 'wxt/browser';
import { t } from '../ui/i18n';
import type { KeyService } from './service';

export const REMINDER_ALARM = 'chatseal.reminder-due';
export const PENDING_ALARM = 'chatseal.pending-expiry';

export const BADGE_TEXT = '!';
/** Amber (the warning banner's family), dark enough for white text: 5.0:1. */
export const BADGE_COLOR = '#b45309';
export const BADGE_TEXT_COLOR = '#ffffff';

export interface Upkeep {
  /** Brings the badge and alarms in line with the current state; calls never overlap. */
  sync(): Promise<void>;
  /** alarms.onAlarm: ours lead to a sync, others are ignored. */
  onAlarm(alarm: { name: string }): Promise<void>;
}

export function createUpkeep(keys: Pick<KeyService, 'getKeyState' | 'expirePending'>): Upkeep {
  let chain: Promise<void> = Promise.resolve();

  async function run(): Promise<void> {
    await keys.expirePending();
    const state = await keys.getKeyState();
    const due = state.status === 'ready' && state.reminderDue;
    await setBadge(due ? (state.mode === 'password' ? 'badgeReminderPassword' : 'badgeReminderKey') : null);
    await schedule(REMINDER_ALARM, due ? undefined : state.reminderDueAt);
    await schedule(PENDING_ALARM, state.pendingExpiresAt);
  }

  return {
    sync() {
      const next = chain.then(run, run);
      chain = next.catch(() => undefined);
      return next;
    },
    async onAlarm(alarm) {
      if (alarm.name === REMINDER_ALARM || alarm.name === PENDING_ALARM) await this.sync();
    },
  };
}

async function setBadge(title: 'badgeReminderKey' | 'badgeReminderPassword' | null): Promise<void> {
  const action = browser.action;
  if (title === null) {
    await action.setBadgeText({ text: '' });
    await action.setTitle({ title: t('extName') });
    return;
  }
  await action.setBadgeBackgroundColor({ color: BADGE_COLOR });
  // Chrome 110+ and Firefox; older Chromes choose the text colour themselves.
  if (typeof action.setBadgeTextColor === 'function') await action.setBadgeTextColor({ color: BADGE_TEXT_COLOR });
  await action.setBadgeText({ text: BADGE_TEXT });
  // The badge is a glyph; the button's name says what it means (screen readers, tooltips).
  await action.setTitle({ title: t(title) });
}

/** One alarm `name` at `iso`, or none; an alarm already set for that moment is left alone. */
async function schedule(name: string, iso: string | undefined): Promise<void> {
  if (iso === undefined) {
    await browser.alarms.clear(name);
    return;
  }
  const when = Date.parse(iso);
  const existing = await browser.alarms.get(name);
  if (existing?.scheduledTime === when) return;
  await browser.alarms.create(name, { when });
}
