import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../entrypoints/background';
import { KeyService } from '../../src/keys/service';
import { memorySessionStore } from '../../src/keys/session';
import { PENDING_ALARM, REMINDER_ALARM } from '../../src/keys/upkeep';
import type { ResponseMessage } from '../../src/messaging/protocol';
import { DB_NAME, openChatSealDb } from '../../src/store/db';
import { updateSettings } from '../../src/store/settings';

/** The fake browser has no ports or commands: the tests catch the listeners background registers. */
let connectListeners: ((port: unknown) => void)[] = [];
beforeEach(() => {
  fakeBrowser.reset();
  // WXT's fake browser has no ports or commands: the tests keep the listeners background registers.
  connectListeners = [];
  vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((fn) => void connectListeners.push(fn as (port: unknown) => void));
  vi.spyOn(fakeBrowser.commands.onCommand, 'addListener').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.useRealTimers();
  fakeBrowser.reset();
  await deleteDB(DB_NAME);
});

/** A key confirmed `daysAgo` days ago, in the worker's own database. */
async function keyConfirmed(daysAgo: number): Promise<void> {
  const then = new Date(Date.now() - daysAgo * 86_400_000);
  const keys = new KeyService({ db: () => openChatSealDb(), session: memorySessionStore(), clock: () => then });
  const view = await keys.beginKeySetup({ keyType: 'classic' });
  await keys.confirmKeySetup({ answers: view.confirmGroups.map((g) => view.groups[g - 1]!) });
}

const badge = () => fakeBrowser.action.getBadgeText({});

describe('background wiring', () => {
  it('opens the options page on first install only', async () => {
    background.main();
    const open = vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    expect(open).not.toHaveBeenCalled();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('answers messages through the router, which refuses senders that are not our pages', async () => {
    background.main();
    // fakeBrowser delivers with an empty sender: exactly what an unknown sender looks like.
    const response = (await fakeBrowser.runtime.sendMessage({ type: 'key.getState', payload: {} })) as ResponseMessage;
    expect(response).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
  });

  it('sets the badge when the worker starts with a check due, and clears it when the reminder is turned off', async () => {
    await keyConfirmed(15);
    background.main();
    await vi.waitFor(async () => expect(await badge()).toBe('!'));
    await updateSettings({ reminderEnabled: false });
    await vi.waitFor(async () => expect(await badge()).toBe(''));
    await updateSettings({ reminderEnabled: true });
    await vi.waitFor(async () => expect(await badge()).toBe('!'));
  });

  it('sets the reminder alarm at start-up and answers it, and at browser start', async () => {
    await keyConfirmed(3);
    background.main();
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(REMINDER_ALARM)).toBeDefined());
    const { scheduledTime } = (await fakeBrowser.alarms.get(REMINDER_ALARM))!;
    expect(scheduledTime - Date.now()).toBeGreaterThan(10.9 * 86_400_000);
    expect(scheduledTime - Date.now()).toBeLessThanOrEqual(11 * 86_400_000);
    expect(await badge()).toBe('');

    // Eleven days later the alarm fires: the worker raises the badge.
    vi.useFakeTimers({ now: scheduledTime, toFake: ['Date'] });
    await fakeBrowser.alarms.onAlarm.trigger({ name: REMINDER_ALARM, scheduledTime, persistAcrossSessions: true });
    await vi.waitFor(async () => expect(await badge()).toBe('!'));

    // A new browser session starts with no badge; onStartup brings it back.
    await fakeBrowser.action.setBadgeText({ text: '' });
    await fakeBrowser.runtime.onStartup.trigger();
    await vi.waitFor(async () => expect(await badge()).toBe('!'));
  });

  it('a pending-key alarm leads to a sync that tolerates there being nothing to expire', async () => {
    background.main();
    await fakeBrowser.alarms.onAlarm.trigger({ name: PENDING_ALARM, scheduledTime: Date.now(), persistAcrossSessions: true });
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(PENDING_ALARM)).toBeUndefined());
    expect(await badge()).toBe('');
  });

  it('takes capture ports only from chat pages', async () => {
    background.main();
    expect(connectListeners.length).toBeGreaterThanOrEqual(1);
    const connect = (port: unknown) => connectListeners.forEach((l) => l(port));
    const disconnect = vi.fn();
    const stranger = { name: 'capture', sender: { id: fakeBrowser.runtime.id, url: 'https://evil.example/', tab: { id: 1 }, frameId: 0 }, disconnect, onMessage: { addListener: vi.fn() }, onDisconnect: { addListener: vi.fn() } };
    connect(stranger);
    expect(disconnect).toHaveBeenCalledTimes(1);
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'ChatSeal', version: '0.1.0' });
    const listened = vi.fn();
    const chatPort = { name: 'capture', sender: { id: fakeBrowser.runtime.id, url: 'https://web.whatsapp.com/', tab: { id: 1 }, frameId: 0 }, disconnect: vi.fn(), postMessage: vi.fn(), onMessage: { addListener: listened }, onDisconnect: { addListener: vi.fn() } };
    connect(chatPort);
    expect(chatPort.disconnect).not.toHaveBeenCalled();
    expect(listened).toHaveBeenCalledTimes(1);
  });
});
