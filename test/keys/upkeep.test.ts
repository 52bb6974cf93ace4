import { deleteDB } from 'idb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyService, PENDING_LIFETIME_MS, type PendingKeyView } from '../../src/keys/service';
import { memorySessionStore } from '../../src/keys/session';
import { BADGE_COLOR, createUpkeep, PENDING_ALARM, REMINDER_ALARM } from '../../src/keys/upkeep';
import { openChatSealDb } from '../../src/store/db';

const START = Date.parse('2026-03-01T09:00:00.000Z');
const DAY = 86_400_000;
let dbCount = 0;
const dbNames: string[] = [];

function world() {
  const dbName = `chatseal-upkeep-${dbCount++}`;
  dbNames.push(dbName);
  const clock = { now: START };
  const settings = { reminderEnabled: true, reminderIntervalDays: 14, unlockTimeoutMinutes: 15 };
  const session = memorySessionStore();
  const keys: KeyService = new KeyService({
    db: () => openChatSealDb(dbName),
    session,
    clock: () => new Date(clock.now),
    settings: async () => settings,
    onChange: () => upkeep.sync(),
    keyFileWorkFactor: 10, // the 2^18 default is tested in test/crypto/keyfile.test.ts
  });
  const upkeep = createUpkeep(keys);
  return { keys, upkeep, clock, settings, session };
}

const badge = () => fakeBrowser.action.getBadgeText({});
const title = () => fakeBrowser.action.getTitle({});
const alarmAt = async (name: string) => (await fakeBrowser.alarms.get(name))?.scheduledTime;

async function setUpKey(keys: KeyService): Promise<PendingKeyView> {
  const view = await keys.beginKeySetup({ keyType: 'classic' });
  const answers = view.confirmGroups.map((g) => view.groups[g - 1]!);
  expect((await keys.confirmKeySetup({ answers })).ok).toBe(true);
  return view;
}

beforeEach(() => fakeBrowser.reset());
afterEach(async () => {
  for (const name of dbNames.splice(0)) await deleteDB(name);
});

describe('toolbar badge', () => {
  it('is empty without a key, and no alarm is set', async () => {
    const { upkeep } = world();
    await upkeep.sync();
    expect(await badge()).toBe('');
    expect(await title()).toBe('ChatSeal');
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
  });

  it('shows "!" once a check is due, says why in the button title, and clears after a successful check', async () => {
    const { keys, upkeep, clock } = world();
    const view = await setUpKey(keys);
    await upkeep.sync();
    expect(await badge()).toBe('');
    // Not due yet: an alarm wakes the worker at the moment it falls due.
    expect(await alarmAt(REMINDER_ALARM)).toBe(START + 14 * DAY);

    clock.now = START + 14 * DAY; // the alarm fires
    await upkeep.onAlarm({ name: REMINDER_ALARM });
    expect(await badge()).toBe('!');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xb4, 0x53, 0x09, 255]);
    expect(BADGE_COLOR).toBe('#b45309');
    expect(await title()).toBe('ChatSeal: time to check your 64-digit key');
    expect(await alarmAt(REMINDER_ALARM)).toBeUndefined();

    // A wrong key changes nothing; the right one clears the badge (through onChange) and sets the
    // next alarm two weeks on.
    expect((await keys.checkKey({ keyText: 'ab'.repeat(32) })).ok).toBe(false);
    await upkeep.sync();
    expect(await badge()).toBe('!');
    clock.now += 3_600_000;
    expect(await keys.checkKey({ keyText: view.digits })).toEqual({ ok: true });
    await upkeep.sync(); // waits for the sync the check started
    expect(await badge()).toBe('');
    expect(await title()).toBe('ChatSeal');
    expect(await alarmAt(REMINDER_ALARM)).toBe(clock.now + 14 * DAY);
  });

  it('password mode says "password"; turning the reminder off clears badge and alarm', async () => {
    const { keys, upkeep, clock, settings } = world();
    expect((await keys.setupWithPassword({ password: 'gT5vN8qZ3wE1xK7mB2cJ', keyType: 'pq' })).ok).toBe(true);
    clock.now += 20 * DAY;
    await upkeep.sync();
    expect(await badge()).toBe('!');
    expect(await title()).toBe('ChatSeal: time to check your password');
    settings.reminderEnabled = false;
    await upkeep.sync();
    expect(await badge()).toBe('');
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
  });

  it('leaves an alarm that is already right alone', async () => {
    const { keys, upkeep } = world();
    await setUpKey(keys);
    await upkeep.sync();
    const create = vi.spyOn(fakeBrowser.alarms, 'create');
    await upkeep.sync();
    await upkeep.sync();
    expect(create).not.toHaveBeenCalled();
  });
});

describe('pending key alarm', () => {
  it('is set for the moment a shown key lapses; when it fires the seed leaves the session', async () => {
    const { keys, upkeep, clock, session } = world();
    await keys.beginKeySetup({ keyType: 'pq' });
    await upkeep.sync();
    expect(await alarmAt(PENDING_ALARM)).toBe(START + PENDING_LIFETIME_MS);
    expect(Object.keys(session.dump())).toEqual(['keys.pending']);

    clock.now = START + PENDING_LIFETIME_MS;
    await upkeep.onAlarm({ name: PENDING_ALARM });
    expect(session.dump()).toEqual({});
    expect(await alarmAt(PENDING_ALARM)).toBeUndefined();
    expect(await keys.getPendingSetup()).toBeNull();
  });

  it('is cleared when the key is confirmed or cancelled', async () => {
    const { keys, upkeep } = world();
    await keys.beginKeySetup({ keyType: 'pq' });
    await keys.cancelSetup();
    await upkeep.sync();
    expect(await alarmAt(PENDING_ALARM)).toBeUndefined();
    await setUpKey(keys);
    await upkeep.sync();
    expect(await alarmAt(PENDING_ALARM)).toBeUndefined();
  });

  it('ignores alarms that are not its own', async () => {
    const { keys, upkeep } = world();
    const spy = vi.spyOn(keys, 'getKeyState');
    await upkeep.onAlarm({ name: 'something-else' });
    expect(spy).not.toHaveBeenCalled();
  });
});
