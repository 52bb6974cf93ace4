// The browser APIs the Drive connection and the upload manager run on in the worker, in one place
// so background.ts stays wiring: the auth window (identity), storage.local, the wake-up alarm, the
// keep-alive call, system notifications, and whether a popup is open (it holds a port).
import { browser, type Browser } from 'wxt/browser';
import { t } from '../ui/i18n';
import { reasonText } from '../ui/popup/outbox-words';
import type { KeyValueArea, WebAuthFlow } from './connection';
import type { FailureNotice } from './manager';

export const OUTBOX_ALARM = 'chatseal.outbox';
/** The name of the port the popup opens while it is showing. */
export const POPUP_PORT = 'chatseal.popup';

export function browserAuthFlow(): WebAuthFlow {
  return {
    launch: (details) => browser.identity.launchWebAuthFlow(details),
    redirectUri: () => browser.identity.getRedirectURL(),
  };
}

export function browserLocalArea(): KeyValueArea {
  const area = browser.storage.local;
  return {
    async get<T>(key: string) {
      return (await area.get(key))[key] as T | undefined;
    },
    async set(key, value) {
      await area.set({ [key]: value });
    },
    async remove(key) {
      await area.remove(key);
    },
  };
}

/** The manager's wake-up: one alarm, at a time or every minute while uploads are under way. */
export function scheduleOutboxWake(wake: { when?: number; periodic: boolean } | null): void {
  if (wake === null) {
    void browser.alarms.clear(OUTBOX_ALARM);
    return;
  }
  // Every 30 s (the shortest Chromium allows) while uploads are under way: a worker stopped
  // mid-upload is woken and resumes from its checkpoint within half a minute.
  if (wake.periodic) void browser.alarms.create(OUTBOX_ALARM, { delayInMinutes: 0.5, periodInMinutes: 0.5 });
  else void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(Date.now() + 1000, wake.when ?? 0) });
}

/** An extension API call: it resets the service worker's idle timer while a chunk is on the wire. */
export function keepWorkerAlive(): void {
  void browser.runtime.getPlatformInfo();
}

export function notifyFailure(notice: FailureNotice): void {
  void browser.notifications.create(`chatseal-outbox-${notice.itemId}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('/icon/128.png'),
    title: t('outboxNotificationTitle'),
    message: reasonText(notice.reason),
  });
}

/** A click on an upload notification opens the popup, where the backup's row says what to do. */
export function openPopupForNotification(notificationId: string): void {
  if (!notificationId.startsWith('chatseal-outbox-')) return;
  void browser.notifications.clear(notificationId);
  // action.openPopup needs a focused browser window; without one the notification simply closes.
  void browser.action.openPopup().catch(() => undefined);
}

/** Counts open popups by their ports; only this extension's own pages are counted. */
export function createPopupPresence(): { isOpen(): boolean; listener(port: Browser.runtime.Port): void } {
  let open = 0;
  return {
    isOpen: () => open > 0,
    listener(port) {
      if (port.name !== POPUP_PORT || port.sender?.id !== browser.runtime.id) return;
      open++;
      port.onDisconnect.addListener(() => {
        open = Math.max(0, open - 1);
      });
    },
  };
}
