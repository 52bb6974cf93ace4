import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPopupPresence, notifyFailure, openPopupForNotification, OUTBOX_ALARM, POPUP_PORT, scheduleOutboxWake } from '../../src/drive/browser-deps';

beforeEach(() => fakeBrowser.reset());

type Listener = () => void;
function port(name: string, senderId: string | undefined) {
  const listeners: Listener[] = [];
  return {
    name,
    sender: senderId === undefined ? {} : { id: senderId },
    onDisconnect: { addListener: (l: Listener) => listeners.push(l) },
    disconnect: () => listeners.forEach((l) => l()),
  };
}

describe('browser-deps', () => {
  it('counts open popups by their port, only from this extension', () => {
    const presence = createPopupPresence();
    expect(presence.isOpen()).toBe(false);
    const mine = port(POPUP_PORT, fakeBrowser.runtime.id);
    presence.listener(mine as never);
    presence.listener(port(POPUP_PORT, 'someone-else') as never);
    presence.listener(port('capture', fakeBrowser.runtime.id) as never);
    expect(presence.isOpen()).toBe(true);
    mine.disconnect();
    expect(presence.isOpen()).toBe(false);
  });

  it('wakes the worker every 30 s while uploads run, once at a retry time, and not at all otherwise', async () => {
    scheduleOutboxWake({ periodic: true });
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toMatchObject({ periodInMinutes: 0.5 }));
    const at = Date.now() + 120_000;
    scheduleOutboxWake({ when: at, periodic: false });
    await vi.waitFor(async () => expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.scheduledTime).toBe(at));
    expect((await fakeBrowser.alarms.get(OUTBOX_ALARM))?.periodInMinutes).toBeUndefined();
    scheduleOutboxWake(null);
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(OUTBOX_ALARM)).toBeUndefined());
  });

  it('a failure notification says what happened in the popup’s words', () => {
    const create = vi.fn(async () => 'id');
    (fakeBrowser as unknown as { notifications: unknown }).notifications = { create };
    notifyFailure({ itemId: 'item-1', kind: 'backup', reason: 'quota' });
    expect(create).toHaveBeenCalledWith('chatseal-outbox-item-1', {
      type: 'basic',
      iconUrl: fakeBrowser.runtime.getURL('/icon/128.png'),
      title: 'ChatSeal: a backup did not upload',
      message: 'Google Drive is full. Your backup is kept on this computer. Free some space in Google Drive, then press Retry.',
    });
  });
});

describe('clicking an upload notification', () => {
  it('opens the popup and clears the notification; other notifications are not ours', () => {
    const clear = vi.fn(async () => true);
    (fakeBrowser as unknown as { notifications: unknown }).notifications = { clear };
    const openPopup = vi.fn(async () => undefined);
    (fakeBrowser.action as unknown as { openPopup: unknown }).openPopup = openPopup;
    openPopupForNotification('something-else');
    expect(openPopup).not.toHaveBeenCalled();
    openPopupForNotification('chatseal-outbox-item-1');
    expect(clear).toHaveBeenCalledWith('chatseal-outbox-item-1');
    expect(openPopup).toHaveBeenCalledTimes(1);
  });
});
