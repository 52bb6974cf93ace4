// The page protocol end to end in Node: a real KeyService (fake IndexedDB, in-memory session,
// scrypt work factor lowered) behind the router, every request and response through a JSON round
// trip as Chrome's message channel does, from a crafted sender of our own options page.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { fromBase64 } from '../../src/crypto/bytes';
import { digitsToSeed, seedToDigits } from '../../src/crypto/keys';
import { openKeyFile } from '../../src/crypto/keyfile';
import { KeyService } from '../../src/keys/service';
import { memorySessionStore } from '../../src/keys/session';
import { jsonRoundTrip } from '../../src/messaging/json';
import { createPageHandlers } from '../../src/messaging/page-handlers';
import type { PagePayload, PageRequestType, PageResult, ResponseMessage } from '../../src/messaging/protocol';
import { createRouter, type MessageSenderLike } from '../../src/messaging/router';
import { openChatSealDb } from '../../src/store/db';
import { getSettings, updateSettings } from '../../src/store/settings';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;
const PAGE: MessageSenderLike = { id: ID, url: `${ORIGIN}options.html`, origin: ORIGIN.slice(0, -1) };
const STRONG = 'correct horse battery staple is not enough but this sentence is fine 1998';

let dbCount = 0;
let send: <K extends PageRequestType>(type: K, payload: PagePayload<K>) => Promise<ResponseMessage<PageResult<K>>>;
let call: <K extends PageRequestType>(type: K, payload: PagePayload<K>) => Promise<PageResult<K>>;

beforeEach(() => {
  fakeBrowser.reset();
  const dbName = `chatseal-handlers-${++dbCount}`;
  const keys = new KeyService({
    db: () => openChatSealDb(dbName),
    session: memorySessionStore(),
    settings: getSettings,
    keyFileWorkFactor: 10, // 2^18 is tested where the key file is made
  });
  const router = createRouter({ page: createPageHandlers({ keys, getSettings, updateSettings }) }, { extensionId: ID, extensionOrigin: ORIGIN });
  send = async (type, payload) => jsonRoundTrip(await router.handle(jsonRoundTrip({ type, payload }), PAGE)) as never;
  call = async (type, payload) => {
    const r = await send(type, payload);
    if (!r.ok) throw new Error(`${type}: ${r.error.code} ${r.error.message}`);
    return r.result;
  };
});
afterEach(() => fakeBrowser.reset());

/** Flips one digit of group `group` (1-based). */
function typoIn(digits: string, group: number): string {
  const i = (group - 1) * 4 + 1;
  const wrong = digits[i] === '0' ? '1' : '0';
  return digits.slice(0, i) + wrong + digits.slice(i + 1);
}

describe('64-digit key setup', () => {
  it('shows a key, refuses wrong groups, and turns backups on when two groups are typed back', async () => {
    expect(await call('key.getState', {})).toEqual({ configured: false, pendingSetup: false });
    const pending = await call('key.beginSetup', { keyType: 'classic' });
    expect(pending.digits).toMatch(/^[0-9a-f]{64}$/);
    expect(pending.groups).toHaveLength(16);
    expect(pending.identity).toMatch(/^AGE-SECRET-KEY-1/);
    expect(pending.keyId).toMatch(/^[0-9a-f]{16}$/);
    const [a, b] = pending.confirmGroups;
    expect(a).toBeLessThan(b);
    expect(await call('key.getState', {})).toEqual({ configured: false, pendingSetup: true });

    const wrong = await call('key.confirmSetup', { answers: [pending.groups[a - 1]!, '0000' === pending.groups[b - 1] ? '1111' : '0000'] });
    expect(wrong).toEqual({ ok: false, wrongGroups: [b] });

    const ok = await call('key.confirmSetup', { answers: [pending.groups[a - 1]!.toUpperCase(), ` ${pending.groups[b - 1]} `] });
    expect(ok).toEqual({ ok: true, keyId: pending.keyId });

    const state = await call('key.getState', {});
    expect(state).toMatchObject({ configured: true, mode: 'key', keyType: 'classic', keyId: pending.keyId, lastCheckedAt: null, reminderDue: false, olderKeyIds: [], unlocked: false, rotationPending: false });
    expect(state.configured && state.recipient).toMatch(/^age1[0-9a-z]+$/);
    expect(await call('backup.getKey', {})).toEqual({ recipient: state.configured && state.recipient, keyId: pending.keyId });
  });

  it('says no-pending-key when confirming without a key shown, and key-exists on a second setup', async () => {
    const r = await send('key.confirmSetup', { answers: ['0000', '0000'] });
    expect(r.ok === false && r.error.code).toBe('no-pending-key');
    await call('key.setupExisting', { keyText: 'ab'.repeat(32), keyType: 'pq' });
    const again = await send('key.beginSetup', { keyType: 'pq' });
    expect(again.ok === false && again.error.code).toBe('key-exists');
  });

  it('forgets a shown key on cancel', async () => {
    await call('key.beginSetup', { keyType: 'pq' });
    await call('key.cancelSetup', {});
    expect(await call('key.getState', {})).toEqual({ configured: false, pendingSetup: false });
    expect(await call('key.getPendingSetup', {})).toBeNull();
  });

  it('shows the same key and groups again (a reloaded page) until it is confirmed', async () => {
    expect(await call('key.getPendingSetup', {})).toBeNull();
    const pending = await call('key.beginSetup', { keyType: 'pq' });
    const again = await call('key.getPendingSetup', {});
    expect(again).toEqual(pending);
    expect(Object.keys(again!).sort()).toEqual(['confirmGroups', 'createdAt', 'digits', 'groups', 'identity', 'keyId', 'keyType']);
    await call('key.confirmSetup', { answers: pending.confirmGroups.map((g) => pending.groups[g - 1]!) });
    expect(await call('key.getPendingSetup', {})).toBeNull();
  });
});

describe('existing key, check and turn off', () => {
  it('previews the key id, joins the key, checks it with typo help, and turns off', async () => {
    const digits = seedToDigits(Uint8Array.from({ length: 32 }, (_v, i) => i * 7 + 1));
    const preview = await call('key.previewExisting', { keyText: digits.toUpperCase().replace(/(.{4})/g, '$1-') });
    expect(preview).toMatchObject({ ok: true, keyType: null });
    expect(await call('key.previewExisting', { keyText: digits.slice(1) })).toEqual({ ok: false, reason: 'length' });
    expect(await call('key.previewExisting', { keyText: `${digits.slice(1)}o` })).toEqual({ ok: false, reason: 'alphabet' });

    const joined = await call('key.setupExisting', { keyText: digits, keyType: 'pq' });
    expect(joined).toEqual({ ok: true, keyId: preview.ok && preview.keyId });

    expect(await call('key.check', { keyText: typoIn(digits, 7) })).toEqual({ ok: false, reason: 'wrong-key', typo: { groups: [7], kind: 'digit' } });
    expect(await call('key.check', { keyText: 'f'.repeat(64) })).toEqual({ ok: false, reason: 'wrong-key' });
    expect(await call('key.check', { password: 'x' })).toEqual({ ok: false, reason: 'not-password-mode' });
    expect(await call('key.check', { keyText: digits })).toEqual({ ok: true });
    const state = await call('key.getState', {});
    expect(state.configured && state.lastCheckedAt).toMatch(/^\d{4}-/);

    const noFile = await send('key.getKeyFile', {});
    expect(noFile.ok === false && noFile.error.code).toBe('no-key-file');

    const refused = await send('key.turnOff', { confirm: 'delete' as 'DELETE' });
    expect(refused.ok === false && refused.error.code).toBe('bad-payload');
    expect(await call('key.turnOff', { confirm: 'DELETE' })).toEqual({ ok: true });
    expect(await call('key.getState', {})).toEqual({ configured: false, pendingSetup: false });
    expect(await call('backup.getKey', {})).toBeNull();
  });

  it('takes the type an age identity says', async () => {
    const pending = await call('key.beginSetup', { keyType: 'pq' });
    await call('key.cancelSetup', {});
    expect(await call('key.previewExisting', { keyText: pending.identity })).toEqual({ ok: true, keyId: pending.keyId, keyType: 'pq' });
  });
});

describe('password mode', () => {
  it('refuses a weak password, sets up with a strong one, hands out the key file, and changes the password', async () => {
    expect(await call('key.setupWithPassword', { password: 'password123', keyType: 'classic', generated: false })).toEqual({ ok: false, reason: 'weak' });
    expect(await call('key.setupWithPassword', { password: '', keyType: 'classic', generated: false })).toEqual({ ok: false, reason: 'empty' });
    const setup = await call('key.setupWithPassword', { password: STRONG, keyType: 'classic', generated: false });
    expect(setup.ok).toBe(true);
    expect(await call('key.getState', {})).toMatchObject({ configured: true, mode: 'password' });

    const file = await call('key.getKeyFile', {});
    expect(file.fileName).toBe(`ChatSeal-key-file-${setup.ok && setup.keyId}.age`);
    const opened = await openKeyFile(fromBase64(file.base64), STRONG);
    expect(opened.keyId).toBe(setup.ok && setup.keyId);

    expect(await call('key.check', { password: 'nope' })).toEqual({ ok: false, reason: 'wrong-password' });
    expect(await call('key.changePassword', { currentPassword: 'nope', newPassword: STRONG + '!', generated: false })).toEqual({ ok: false, reason: 'wrong-password' });
    expect(await call('key.changePassword', { currentPassword: STRONG, newPassword: 'abc', generated: false })).toEqual({ ok: false, reason: 'weak' });
    const { passphrase } = await call('password.suggest', {});
    expect(passphrase.split('-').length).toBeGreaterThanOrEqual(6);
    expect(await call('key.changePassword', { currentPassword: STRONG, newPassword: passphrase, generated: true })).toEqual({ ok: true });
    expect(await call('key.check', { password: passphrase })).toEqual({ ok: true });
    expect(await call('key.check', { password: STRONG })).toEqual({ ok: false, reason: 'wrong-password' });
  });
});

describe('rotation', () => {
  it('rotates a 64-digit key to a new one shown for confirmation; the old key becomes an older key', async () => {
    const first = await call('key.beginSetup', { keyType: 'classic' });
    await call('key.confirmSetup', { answers: first.confirmGroups.map((g) => first.groups[g - 1]!) });

    const refused = await call('key.rotate', { current: { keyText: typoIn(first.digits, 3) }, mode: 'key', keyType: 'pq' });
    expect(refused).toEqual({ ok: false, reason: 'wrong-key', typo: { groups: [3], kind: 'digit' } });

    const rotated = await call('key.rotate', { current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    expect(rotated.ok && rotated.pending?.keyType).toBe('pq');
    const next = rotated.ok ? rotated.pending! : null;
    expect(next!.keyId).not.toBe(first.keyId);
    // Not replaced until confirmed; a reloaded page finds the same new key (only its fields).
    expect(await call('key.getState', {})).toMatchObject({ keyId: first.keyId, rotationPending: true });
    expect(await call('key.getPendingSetup', {})).toEqual(next);
    await call('key.confirmSetup', { answers: next!.confirmGroups.map((g) => next!.groups[g - 1]!) });
    expect(await call('key.getState', {})).toMatchObject({ keyId: next!.keyId, keyType: 'pq', olderKeyIds: [first.keyId], rotationPending: false });
    expect(await call('key.getPendingSetup', {})).toBeNull();
    expect(await call('key.check', { keyText: first.digits })).toEqual({ ok: false, reason: 'old-key' });
    // The digits of the new key are the seed; sanity-check the view's two spellings agree.
    expect(seedToDigits(digitsToSeed(next!.digits))).toBe(next!.digits);
  });

  it('rotates to a password at once', async () => {
    const first = await call('key.setupExisting', { keyText: 'cd'.repeat(32), keyType: 'classic' });
    const rotated = await call('key.rotate', { current: { keyText: 'cd'.repeat(32) }, mode: 'password', keyType: 'classic', newPassword: STRONG, generated: false });
    expect(rotated).toMatchObject({ ok: true, pending: null });
    expect(await call('key.getState', {})).toMatchObject({ mode: 'password', olderKeyIds: [first.ok && first.keyId] });
    const weak = await call('key.rotate', { current: { password: STRONG }, mode: 'password', keyType: 'classic', newPassword: 'short', generated: false });
    expect(weak).toEqual({ ok: false, reason: 'weak' });
  });
});

describe('settings', () => {
  it('reads defaults and saves valid changes; refuses invalid ones', async () => {
    expect(await call('settings.get', {})).toMatchObject({ reminderEnabled: true, reminderIntervalDays: 14, unlockTimeoutMinutes: 15, newKeyType: 'pq' });
    expect(await call('settings.set', { reminderEnabled: false, newKeyType: 'classic' })).toMatchObject({ reminderEnabled: false, newKeyType: 'classic' });
    const bad = await send('settings.set', { unlockTimeoutMinutes: -1 });
    expect(bad.ok === false && bad.error.code).toBe('bad-payload');
  });
});

describe('payload checks', () => {
  it.each<[PageRequestType, unknown]>([
    ['key.beginSetup', { keyType: 'rsa' }],
    ['key.confirmSetup', { answers: 'abcd' }],
    ['key.confirmSetup', { answers: ['abcd'] }],
    ['key.check', { keyText: 'a', password: 'b' }],
    ['key.check', {}],
    ['key.check', { keyText: 42 }],
    ['key.previewExisting', { keyText: 'a'.repeat(5000) }],
    ['key.setupWithPassword', { password: 'x', keyType: 'pq', generated: 'yes' }],
    ['key.rotate', { current: { keyText: 'x' }, mode: 'both', keyType: 'pq' }],
    ['key.setupExisting', { keyText: 'ab'.repeat(32) }],
  ])('%s refuses %j as bad-payload', async (type, payload) => {
    const r = await send(type, payload as never);
    expect(r.ok === false && r.error.code).toBe('bad-payload');
  });
});
