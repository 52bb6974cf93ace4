import { createHmac, hkdfSync } from 'node:crypto';
import { deleteDB, openDB } from 'idb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex, utf8Encode } from '../../src/crypto/bytes';
import { openKeyFile } from '../../src/crypto/keyfile';
import { openKeyring } from '../../src/crypto/keyring';
import { deriveKeyId, digitsToSeed, identityToSeed, seedToIdentity, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import { KeyService, KeyServiceError, PENDING_LIFETIME_MS, type KeyServiceDeps, type PendingKeyView } from '../../src/keys/service';
import { browserSessionStore, memorySessionStore, type SessionStore } from '../../src/keys/session';
import { openChatSealDb } from '../../src/store/db';
import { findSecret, secretForms } from '../helpers/secrets';

const STRONG = 'gT5vN8qZ3wE1xK7mB2cJ'; // zxcvbn: 10^20
const STRONG2 = 'Lp3xQ9rT6wY2uZ8kV5nM';
const WEAK = 'Tr0ub4dor&3';
const START = Date.parse('2026-01-01T00:00:00.000Z');

let dbCount = 0;
const dbNames: string[] = [];

interface Harness {
  svc: KeyService;
  session: SessionStore & { dump?: () => Record<string, unknown> };
  dbName: string;
  clock: { now: number };
  restart(): KeyService;
  settings: { reminderEnabled: boolean; reminderIntervalDays: number; unlockTimeoutMinutes: number };
}

function harness(opts: { session?: SessionStore; random?: KeyServiceDeps['random']; onChange?: KeyServiceDeps['onChange'] } = {}): Harness {
  const dbName = `chatseal-svc-${dbCount++}`;
  dbNames.push(dbName);
  const session = opts.session ?? memorySessionStore();
  const clock = { now: START };
  const settings = { reminderEnabled: true, reminderIntervalDays: 14, unlockTimeoutMinutes: 15 };
  const make = (): KeyService =>
    new KeyService({
      db: () => openChatSealDb(dbName),
      session,
      clock: () => new Date(clock.now),
      settings: async () => settings,
      keyFileWorkFactor: 10, // the 2^18 default is tested in test/crypto/keyfile.test.ts
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onChange ? { onChange: opts.onChange } : {}),
    });
  const h: Harness = { svc: make(), session, dbName, clock, settings, restart: () => (h.svc = make()) };
  return h;
}

beforeEach(() => fakeBrowser.reset());
afterEach(async () => {
  for (const name of dbNames.splice(0)) await deleteDB(name);
});

function answersFor(view: PendingKeyView, transform = (s: string) => s): Record<number, string> {
  return Object.fromEntries(view.confirmGroups.map((g) => [g, transform(view.groups[g - 1]!)]));
}

async function setUpKey(h: Harness, keyType: KeyType = 'pq'): Promise<PendingKeyView> {
  const view = await h.svc.beginKeySetup({ keyType });
  expect(await h.svc.confirmKeySetup({ answers: answersFor(view) })).toEqual({ ok: true, keyId: view.keyId });
  return view;
}

async function readAll(dbName: string) {
  const db = await openChatSealDb(dbName);
  const out = { keys: await db.getAll('keys'), keyring: await db.getAll('keyring') };
  db.close();
  return out;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Every record of every IndexedDB database, and every storage area, as plain values. */
async function dumpEverything(h: Harness) {
  const dbs: Record<string, Record<string, unknown[]>> = {};
  for (const info of await indexedDB.databases()) {
    const name = info.name!;
    const db = await openDB(name);
    dbs[name] = {};
    for (const store of db.objectStoreNames) dbs[name]![store] = await db.getAll(store);
    db.close();
  }
  return {
    indexedDB: dbs,
    storage: {
      local: await fakeBrowser.storage.local.get(null),
      sync: await fakeBrowser.storage.sync.get(null),
      session: await fakeBrowser.storage.session.get(null),
      injectedSession: h.session.dump?.() ?? null,
    },
  };
}

function cryptoKeysIn(value: unknown, found: CryptoKey[] = []): CryptoKey[] {
  if (value instanceof CryptoKey) found.push(value);
  else if (value instanceof Uint8Array || value === null || typeof value !== 'object') return found;
  else for (const v of Object.values(value)) cryptoKeysIn(v, found);
  return found;
}

describe('64-digit key setup', () => {
  it('starts with no key', async () => {
    const h = harness();
    expect(await h.svc.getKeyState()).toEqual({
      status: 'none',
      reminderDue: false,
      olderKeyIds: [],
      unlocked: false,
      rotationPending: false,
    });
    expect(await h.svc.getBackupKey()).toBeNull();
  });

  it.each(['pq', 'classic'] as const)('%s: shows the key, writes nothing before confirmation', async (keyType) => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType });
    expect(view.digits).toMatch(/^[0-9a-f]{64}$/);
    expect(view.groups).toHaveLength(16);
    expect(view.groups.join('')).toBe(view.digits);
    const seed = digitsToSeed(view.digits);
    expect(identityToSeed(view.identity)).toEqual({ seed, type: keyType });
    expect(view.keyId).toBe(await deriveKeyId(seed));
    expect(view.keyType).toBe(keyType);
    expect(view.createdAt).toBe('2026-01-01T00:00:00.000Z');
    const [a, b] = view.confirmGroups;
    expect(a).toBeGreaterThanOrEqual(1);
    expect(b).toBeLessThanOrEqual(16);
    expect(a).toBeLessThan(b);

    expect(await readAll(h.dbName)).toEqual({ keys: [], keyring: [] });
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'pending', keyId: view.keyId, keyType });
    expect(await h.svc.getPendingSetup()).toEqual(view);
  });

  it('survives a worker restart before confirmation (session store)', async () => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType: 'pq' });
    const restarted = h.restart();
    expect(await restarted.getPendingSetup()).toEqual(view);
    expect(await restarted.confirmKeySetup({ answers: answersFor(view) })).toEqual({ ok: true, keyId: view.keyId });
  });

  it('works with storage.session of the extension (fake browser)', async () => {
    const h = harness({ session: browserSessionStore() });
    const view = await h.svc.beginKeySetup({ keyType: 'classic' });
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toEqual(['keys.pending']);
    h.restart();
    expect((await h.svc.confirmKeySetup({ answers: answersFor(view) })).ok).toBe(true);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('names only the wrong groups; accepts case, spaces and dashes; accepts an array in order', async () => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType: 'pq' });
    const [a, b] = view.confirmGroups;
    const wrongB = { ...answersFor(view), [b]: view.groups[b - 1] === '0000' ? '0001' : '0000' };
    expect(await h.svc.confirmKeySetup({ answers: wrongB })).toEqual({ ok: false, wrongGroups: [b] });
    expect(await h.svc.confirmKeySetup({ answers: {} })).toEqual({ ok: false, wrongGroups: [a, b] });
    expect((await readAll(h.dbName)).keys).toEqual([]);
    const fancy = (g: string) => ` ${g.slice(0, 2).toUpperCase()}-${g.slice(2)} `;
    expect(
      await h.svc.confirmKeySetup({ answers: [fancy(view.groups[a - 1]!), fancy(view.groups[b - 1]!)] }),
    ).toEqual({ ok: true, keyId: view.keyId });
  });

  it.each(['pq', 'classic'] as const)('%s: confirmation writes exactly the designed record', async (keyType) => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType });
    h.clock.now += 60_000;
    await h.svc.confirmKeySetup({ answers: answersFor(view) });
    const seed = digitsToSeed(view.digits);
    const { keys, keyring } = await readAll(h.dbName);
    expect(keyring).toEqual([]);
    expect(keys).toHaveLength(1);
    const r = keys[0]!;
    expect(Object.keys(r).sort()).toEqual(
      ['confirmedAt', 'createdAt', 'id', 'keyId', 'keyType', 'lastCheckedAt', 'macKey', 'mode', 'recipient'].sort(),
    );
    expect(r).toMatchObject({
      id: 'current',
      keyId: view.keyId,
      keyType,
      mode: 'key',
      recipient: await seedToRecipient(seed, keyType),
      createdAt: '2026-01-01T00:00:00.000Z',
      confirmedAt: '2026-01-01T00:01:00.000Z',
      lastCheckedAt: null,
    });
    expect(r.macKey.extractable).toBe(false);
    expect(r.macKey.usages.slice().sort()).toEqual(['sign', 'verify']);
    // the stored MAC key computes the same MAC as an independent HKDF + HMAC from the seed
    const msg = utf8Encode('manifest.json bytes');
    const macKey = Buffer.from(hkdfSync('sha256', seed, 'chatseal.app/v1', 'manifest-mac', 32));
    const expected = createHmac('sha256', macKey).update(msg).digest('hex');
    expect(toHex(new Uint8Array(await crypto.subtle.sign('HMAC', r.macKey, msg)))).toBe(expected);

    expect(await h.svc.getBackupKey()).toEqual({ recipient: r.recipient, keyId: r.keyId, macKey: expect.any(CryptoKey) });
    expect(await h.svc.getPendingSetup()).toBeNull();
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'ready', mode: 'key', keyType, recipient: r.recipient });
    expect(await h.svc.getKeyFile()).toBeNull();
  });

  it('refuses misuse with precise codes', async () => {
    const h = harness();
    expect(await rejection(h.svc.confirmKeySetup({ answers: {} }))).toMatchObject({ code: 'no-pending-key' });
    expect(await rejection(h.svc.checkKey({ keyText: 'x' }))).toMatchObject({ code: 'no-key' });
    expect(await rejection(h.svc.beginKeySetup({ keyType: 'rsa' as KeyType }))).toMatchObject({ code: 'bad-payload' });
    await setUpKey(h);
    const e = await rejection(h.svc.beginKeySetup({ keyType: 'pq' }));
    expect(e).toBeInstanceOf(KeyServiceError);
    expect(e).toMatchObject({ code: 'key-exists' });
    expect(await rejection(h.svc.setupWithPassword({ password: STRONG, keyType: 'pq' }))).toMatchObject({ code: 'key-exists' });
  });

  it('two confirmations at once confirm once', async () => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType: 'pq' });
    const results = await Promise.allSettled([
      h.svc.confirmKeySetup({ answers: answersFor(view) }),
      h.svc.confirmKeySetup({ answers: answersFor(view) }),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'no-pending-key' } });
  });

  it('cancelSetup forgets the pending key', async () => {
    const h = harness();
    await h.svc.beginKeySetup({ keyType: 'pq' });
    await h.svc.cancelSetup();
    expect(await h.svc.getPendingSetup()).toBeNull();
    expect((await h.svc.getKeyState()).status).toBe('none');
  });

  it('cancelSetup during a rotation keeps the current key and drops only the new one', async () => {
    const h = harness();
    const first = await setUpKey(h);
    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    expect(second.ok).toBe(true);
    await h.svc.cancelSetup();
    expect(await h.svc.getPendingSetup()).toBeNull();
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'ready', keyId: first.keyId, rotationPending: false, olderKeyIds: [] });
    await expect(h.svc.confirmKeySetup({ answers: ['0000', '0000'] })).rejects.toMatchObject({ code: 'no-pending-key' });
  });

  it('confirm groups are two distinct groups in 1..16, from the injected random source', async () => {
    // a seeded xorshift32: reproducible, and spread enough to reach most of the 120 pairs
    let x = 0x9e3779b9;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) & 255;
    };
    const random = (n: number) => Uint8Array.from({ length: n }, next);
    const h = harness({ random });
    const pairs = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { confirmGroups: [a, b] } = await h.svc.beginKeySetup({ keyType: 'classic' });
      expect(a).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(16);
      expect(a).toBeLessThan(b);
      pairs.add(`${a},${b}`);
    }
    expect(pairs.size).toBeGreaterThan(60);
  });
});

describe('what the device keeps', () => {
  it.each([
    ['64-digit key', 'pq'],
    ['64-digit key', 'classic'],
    ['password', 'pq'],
    ['existing key', 'classic'],
  ] as const)(
    'after %s (%s) setup: no seed or identity in IndexedDB or any storage area; one HMAC CryptoKey, not extractable',
    async (how, keyType) => {
      const h = harness({ session: browserSessionStore() });
      let seed: Uint8Array;
      if (how === '64-digit key') {
        seed = digitsToSeed((await setUpKey(h, keyType)).digits);
      } else if (how === 'password') {
        expect((await h.svc.setupWithPassword({ password: STRONG, keyType })).ok).toBe(true);
        const { keys } = await readAll(h.dbName);
        seed = (await openKeyFile(keys[0]!.keyFile!, STRONG)).seed;
      } else {
        seed = crypto.getRandomValues(new Uint8Array(32));
        expect((await h.svc.setupExistingKey({ keyText: seedToIdentity(seed, keyType) })).ok).toBe(true);
      }
      await h.svc.checkKey(how === 'password' ? { password: STRONG } : { keyText: toHex(seed) });
      const dump = await dumpEverything(h);
      expect(Object.keys(dump.indexedDB)).toContain(h.dbName);
      expect(dump.indexedDB[h.dbName]!.keys).toHaveLength(1);
      expect(findSecret(dump, secretForms(seed))).toEqual([]);
      const keys = cryptoKeysIn(dump);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.extractable).toBe(false);
      expect(keys[0]!.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } });
      // the scan does find the seed where it is (the self-test of the search)
      expect(findSecret({ x: toHex(seed) }, secretForms(seed))).not.toEqual([]);
    },
  );
});

describe('password setup', () => {
  it('refuses a weak password with the reason, and stores nothing', async () => {
    const h = harness();
    const r = await h.svc.setupWithPassword({ password: WEAK, keyType: 'pq' });
    expect(r).toMatchObject({ ok: false, reason: 'weak', check: { ok: false } });
    if (!r.ok && r.reason === 'weak') expect(r.check.reason).toMatch(/requires a password that takes at least 10\^16 guesses to find .*; this one could be guessed in about \d+ (hours?|days?)\./);
    expect(await h.svc.setupWithPassword({ password: '', keyType: 'pq' })).toEqual({ ok: false, reason: 'empty' });
    expect(await readAll(h.dbName)).toEqual({ keys: [], keyring: [] });
  });

  it('stores an age key file that opens with the password to the recorded key', async () => {
    const h = harness();
    const r = await h.svc.setupWithPassword({ password: STRONG, keyType: 'classic' });
    expect(r).toMatchObject({ ok: true, keyType: 'classic' });
    const { keys } = await readAll(h.dbName);
    const rec = keys[0]!;
    expect(rec.mode).toBe('password');
    const opened = await openKeyFile(rec.keyFile!, STRONG);
    expect(opened.keyId).toBe(rec.keyId);
    expect(await seedToRecipient(opened.seed, 'classic')).toBe(rec.recipient);
    expect(await h.svc.getKeyFile()).toEqual(rec.keyFile);
    expect(rec.confirmedAt).toBe(rec.createdAt);
  });

  it('a passphrase the service suggested is judged by its entropy; the flag alone proves nothing', async () => {
    const h = harness();
    const p = await h.svc.suggestPassphrase(6);
    expect(await h.svc.checkPasswordStrength({ password: p, generated: true })).toMatchObject({ ok: true, basis: 'generated' });
    const notOurs = 'abacus-abdomen-abide-zoom-zoology-abiding';
    expect(await h.svc.checkPasswordStrength({ password: notOurs, generated: true })).toMatchObject({ basis: 'zxcvbn' });
    expect((await h.svc.setupWithPassword({ password: p, keyType: 'pq', generated: true })).ok).toBe(true);
  });
});

describe('I already have a key', () => {
  it.each(['pq', 'classic'] as const)('%s: a fresh profile reproduces the recipient and key id from the digits', async (keyType) => {
    const first = harness();
    const view = await setUpKey(first, keyType);
    const firstRecord = (await readAll(first.dbName)).keys[0]!;

    const second = harness();
    const typed = view.groups.join(' ').toUpperCase();
    expect(await second.svc.previewExistingKey({ keyText: typed })).toEqual({ ok: true, keyId: view.keyId });
    expect(await second.svc.setupExistingKey({ keyText: typed, keyType })).toEqual({ ok: true, keyId: view.keyId, keyType });
    const rec = (await readAll(second.dbName)).keys[0]!;
    expect(rec.recipient).toBe(firstRecord.recipient);
    expect(rec.keyId).toBe(firstRecord.keyId);
    expect(rec.mode).toBe('key');
  });

  it('an identity string carries its type, which wins over keyType', async () => {
    const h = harness();
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const identity = seedToIdentity(seed, 'classic');
    expect(await h.svc.previewExistingKey({ keyText: identity })).toEqual({
      ok: true,
      keyId: await deriveKeyId(seed),
      keyType: 'classic',
    });
    expect(await h.svc.setupExistingKey({ keyText: identity, keyType: 'pq' })).toMatchObject({ ok: true, keyType: 'classic' });
    expect((await readAll(h.dbName)).keys[0]!.recipient).toBe(await seedToRecipient(seed, 'classic'));
  });

  it('refuses bad input with reason and detail, before any work', async () => {
    const h = harness();
    expect(await h.svc.previewExistingKey({ keyText: '12 34' })).toMatchObject({ ok: false, reason: 'length', found: 4 });
    expect(await h.svc.setupExistingKey({ keyText: 'xyz', keyType: 'pq' })).toMatchObject({
      ok: false,
      reason: 'alphabet',
      char: 'x',
      group: 1,
    });
    expect(await readAll(h.dbName)).toEqual({ keys: [], keyring: [] });
    expect(await rejection(h.svc.setupExistingKey({ keyText: 'ab'.repeat(32) }))).toMatchObject({ code: 'bad-payload' });
  });
});

describe('check my key / password, and the reminder', () => {
  it('a right key resets the reminder; a wrong one says which group looks wrong', async () => {
    const h = harness();
    const view = await setUpKey(h);
    expect((await h.svc.getKeyState()).reminderDue).toBe(false);
    h.clock.now += 14 * 86_400_000;
    expect((await h.svc.getKeyState()).reminderDue).toBe(true);

    // group 7's first digit mistyped
    const i = 6 * 4;
    const wrongDigit = view.digits[i] === 'a' ? 'b' : 'a';
    const typo = view.digits.slice(0, i) + wrongDigit + view.digits.slice(i + 1);
    expect(await h.svc.checkKey({ keyText: typo })).toEqual({
      ok: false,
      reason: 'wrong-key',
      typo: { group: 7, groups: [7], kind: 'digit' },
    });
    expect(await h.svc.checkKey({ keyText: 'ab'.repeat(32) })).toEqual({ ok: false, reason: 'wrong-key' });
    expect(await h.svc.checkKey({ keyText: view.digits.slice(1) })).toMatchObject({ ok: false, reason: 'length', found: 63 });
    expect(await h.svc.checkKey({ password: STRONG })).toEqual({ ok: false, reason: 'not-password-mode' });
    expect((await h.svc.getKeyState()).reminderDue).toBe(true);

    expect(await h.svc.checkKey({ keyText: view.identity })).toEqual({ ok: true });
    const state = await h.svc.getKeyState();
    expect(state.reminderDue).toBe(false);
    expect(state.lastCheckedAt).toBe(new Date(h.clock.now).toISOString());
    h.clock.now += 13 * 86_400_000;
    expect((await h.svc.getKeyState()).reminderDue).toBe(false);
    h.clock.now += 86_400_000;
    expect((await h.svc.getKeyState()).reminderDue).toBe(true);
    h.settings.reminderEnabled = false;
    expect((await h.svc.getKeyState()).reminderDue).toBe(false);
  });

  it('password mode: right and wrong password', async () => {
    const h = harness();
    await h.svc.setupWithPassword({ password: STRONG, keyType: 'pq' });
    expect(await h.svc.checkKey({ password: `${STRONG} ` })).toEqual({ ok: false, reason: 'wrong-password' });
    expect(await h.svc.checkKey({ password: STRONG })).toEqual({ ok: true });
    expect((await h.svc.getKeyState()).lastCheckedAt).not.toBeNull();
  });
});

describe('change password', () => {
  it('re-encrypts the key file only: same identity, new password', async () => {
    const h = harness();
    await h.svc.setupWithPassword({ password: STRONG, keyType: 'pq' });
    const before = (await readAll(h.dbName)).keys[0]!;
    expect(await h.svc.changePassword({ oldPassword: 'nope', newPassword: STRONG2 })).toEqual({
      ok: false,
      reason: 'wrong-password',
    });
    expect(await h.svc.changePassword({ oldPassword: STRONG, newPassword: WEAK })).toMatchObject({ ok: false, reason: 'weak' });
    expect(await h.svc.changePassword({ oldPassword: STRONG, newPassword: STRONG2 })).toEqual({ ok: true });
    const after = (await readAll(h.dbName)).keys[0]!;
    expect(after.keyId).toBe(before.keyId);
    expect(after.recipient).toBe(before.recipient);
    expect(after.createdAt).toBe(before.createdAt);
    expect(toHex(after.keyFile!)).not.toBe(toHex(before.keyFile!));
    expect((await openKeyFile(after.keyFile!, STRONG2)).keyId).toBe(before.keyId);
    expect(await h.svc.checkKey({ password: STRONG })).toEqual({ ok: false, reason: 'wrong-password' });
    expect(await h.svc.checkKey({ password: STRONG2 })).toEqual({ ok: true });
  });

  it('is refused in 64-digit key mode', async () => {
    const h = harness();
    await setUpKey(h);
    expect(await h.svc.changePassword({ oldPassword: STRONG, newPassword: STRONG2 })).toEqual({
      ok: false,
      reason: 'not-password-mode',
    });
  });
});

describe('rotate', () => {
  it('64-digit key: the new key replaces the old only after confirmation; the keyring holds every older key', async () => {
    const h = harness();
    const first = await setUpKey(h, 'classic');

    const wrong = await h.svc.rotateKey({ current: { keyText: 'ab'.repeat(32) }, mode: 'key', keyType: 'pq' });
    expect(wrong).toEqual({ ok: false, reason: 'wrong-key' });

    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    if (!second.ok || !('digits' in second)) throw new Error('expected a pending key');
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.confirmGroups).toHaveLength(2);
    // not yet: backups still go to the first key
    expect((await h.svc.getBackupKey())!.keyId).toBe(first.keyId);
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'ready', keyId: first.keyId, rotationPending: true });
    expect((await readAll(h.dbName)).keyring).toEqual([]);

    h.restart(); // the pending rotation survives a worker restart too
    // A reloaded options page is shown the same new key and the same two groups.
    const { ok: _ok, ...secondView } = second;
    expect(await h.svc.getPendingSetup()).toEqual(secondView);
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'ready', keyId: first.keyId, rotationPending: true });
    expect(await h.svc.confirmKeySetup({ answers: answersFor(second) })).toEqual({ ok: true, keyId: second.keyId });
    expect((await h.svc.getBackupKey())!.keyId).toBe(second.keyId);
    let state = await h.svc.getKeyState();
    expect(state).toMatchObject({ keyId: second.keyId, keyType: 'pq', olderKeyIds: [first.keyId], rotationPending: false });

    // the keyring, sealed to the new key, holds the first identity
    const { keyring } = await readAll(h.dbName);
    const secondSeed = digitsToSeed(second.digits);
    const entries = await openKeyring(keyring[0]!.file, { seed: secondSeed, type: 'pq' });
    expect(entries.map((e) => [toHex(e.seed), e.type, e.keyId])).toEqual([[first.digits, 'classic', first.keyId]]);

    // a third key: newest first
    const third = await h.svc.rotateKey({ current: { keyText: second.identity }, mode: 'key', keyType: 'pq' });
    if (!third.ok || !('digits' in third)) throw new Error('expected a pending key');
    await h.svc.confirmKeySetup({ answers: answersFor(third) });
    state = await h.svc.getKeyState();
    expect(state.olderKeyIds).toEqual([second.keyId, first.keyId]);

    // an older key is recognised as such
    expect(await h.svc.checkKey({ keyText: first.digits })).toEqual({ ok: false, reason: 'old-key' });
    // unlocking with the newest key unlocks all three
    expect(await h.svc.unlock({ keyText: third.digits })).toEqual({
      ok: true,
      keyIds: [third.keyId, second.keyId, first.keyId],
    });
    const unlocked = await h.svc.getUnlockedKeys();
    expect(unlocked!.map((k) => [toHex(k.seed), k.type])).toEqual([
      [third.digits, 'pq'],
      [second.digits, 'pq'],
      [first.digits, 'classic'],
    ]);
  });

  it('to a password: replaces the key at once, old key in the keyring, unlock with the password opens both', async () => {
    const h = harness();
    const first = await setUpKey(h, 'pq');
    expect(
      await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'password', keyType: 'pq', newPassword: WEAK }),
    ).toMatchObject({ ok: false, reason: 'weak' });
    expect((await h.svc.getBackupKey())!.keyId).toBe(first.keyId);

    const r = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'password', keyType: 'classic', newPassword: STRONG });
    expect(r).toMatchObject({ ok: true, keyType: 'classic' });
    const state = await h.svc.getKeyState();
    expect(state).toMatchObject({ mode: 'password', keyType: 'classic', olderKeyIds: [first.keyId] });
    const unlocked = await h.svc.unlock({ password: STRONG });
    expect(unlocked).toEqual({ ok: true, keyIds: [state.keyId, first.keyId] });
  });

  it('refuses to rotate past a keyring that does not open (the older keys would be lost)', async () => {
    const h = harness();
    const first = await setUpKey(h);
    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    if (!second.ok || !('digits' in second)) throw new Error('expected a pending key');
    await h.svc.confirmKeySetup({ answers: answersFor(second) });
    const db = await openChatSealDb(h.dbName);
    const ring = (await db.get('keyring', 'current'))!;
    ring.file[ring.file.length - 1]! ^= 1;
    await db.put('keyring', ring);
    db.close();
    const r = await h.svc.rotateKey({ current: { keyText: second.digits }, mode: 'key', keyType: 'pq' });
    expect(r).toMatchObject({ ok: false, reason: 'keyring-damaged' });
    // unlock still works for the current key and says what is wrong with the older ones
    expect(await h.svc.unlock({ keyText: second.digits })).toEqual({ ok: true, keyIds: [second.keyId], keyringError: 'damaged' });
  });
});

describe('unlock and lock', () => {
  it('keeps seeds in the session only, forgets them after the idle timeout, and touching restarts it', async () => {
    const h = harness();
    const view = await setUpKey(h);
    expect(await h.svc.getUnlockedKeys()).toBeNull();
    expect(await h.svc.unlock({ keyText: 'ab'.repeat(32) })).toEqual({ ok: false, reason: 'wrong-key' });
    expect(await h.svc.unlock({ keyText: view.digits })).toEqual({ ok: true, keyIds: [view.keyId] });
    expect((await h.svc.getKeyState()).unlocked).toBe(true);
    expect(findSecret(await readAll(h.dbName), secretForms(digitsToSeed(view.digits)))).toEqual([]);

    h.clock.now += 10 * 60_000;
    expect((await h.svc.getUnlockedKeys())![0]!.seed).toEqual(digitsToSeed(view.digits)); // use at 10 min
    h.clock.now += 10 * 60_000; // 20 min after unlock, 10 after use
    expect(await h.svc.getUnlockedKeys()).not.toBeNull();
    h.clock.now += 15 * 60_000;
    expect(await h.svc.expireIfIdle()).toBe(true);
    expect(await h.svc.getUnlockedKeys()).toBeNull();
    expect((await h.svc.getKeyState()).unlocked).toBe(false);
    expect(h.session.dump!()).toEqual({});

    await h.svc.unlock({ keyText: view.digits });
    await h.svc.lock();
    expect(await h.svc.getUnlockedKeys()).toBeNull();
    expect(await h.svc.expireIfIdle()).toBe(false);
  });
});

describe('turn off', () => {
  it('needs "DELETE", then deletes the key, keyring, pending key and unlocked identities', async () => {
    const h = harness();
    const first = await setUpKey(h);
    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    if (!second.ok || !('digits' in second)) throw new Error('expected a pending key');
    await h.svc.confirmKeySetup({ answers: answersFor(second) });
    await h.svc.unlock({ keyText: second.digits });
    expect(await rejection(h.svc.turnOff({ confirm: 'delete' }))).toMatchObject({ code: 'bad-payload' });
    expect((await h.svc.getKeyState()).status).toBe('ready');

    expect(await h.svc.turnOff({ confirm: 'DELETE' })).toEqual({ ok: true });
    expect(await readAll(h.dbName)).toEqual({ keys: [], keyring: [] });
    expect(h.session.dump!()).toEqual({});
    expect(await h.svc.getKeyState()).toMatchObject({ status: 'none', olderKeyIds: [], unlocked: false });
    // and a new setup works
    await setUpKey(h);
  });
});

describe('an abandoned setup or rotation', () => {
  it('a rotation waiting for confirmation keeps only the new seed and the keyring sealed to it', async () => {
    const h = harness({ session: browserSessionStore() });
    const first = await setUpKey(h, 'classic');
    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    if (!second.ok || !('digits' in second)) throw new Error('expected a pending key');
    const third = await (async () => {
      await h.svc.confirmKeySetup({ answers: answersFor(second) });
      const r = await h.svc.rotateKey({ current: { keyText: second.digits }, mode: 'key', keyType: 'classic' });
      if (!r.ok || !('digits' in r)) throw new Error('expected a pending key');
      return r;
    })();

    // The user closes the tab here. What the session holds, in any spelling:
    const session = await fakeBrowser.storage.session.get(null);
    expect(Object.keys(session)).toEqual(['keys.pending']);
    expect(findSecret(session, secretForms(digitsToSeed(second.digits)))).toEqual([]); // the current key
    expect(findSecret(session, secretForms(digitsToSeed(first.digits)))).toEqual([]); // an older key
    expect(findSecret(session, secretForms(digitsToSeed(third.digits)))).not.toEqual([]); // the shown key

    // The sealed keyring in it opens with the new key only, and lists the replaced key first.
    const record = session['keys.pending'] as { rotation: { keyringBase64: string; keyIds: string[] } };
    expect(record.rotation.keyIds).toEqual([second.keyId, first.keyId]);
    const sealed = Uint8Array.from(Buffer.from(record.rotation.keyringBase64, 'base64'));
    const inside = await openKeyring(sealed, { seed: digitsToSeed(third.digits), type: 'classic' });
    expect(inside.map((e) => [toHex(e.seed), e.keyId])).toEqual([
      [second.digits, second.keyId],
      [first.digits, first.keyId],
    ]);
    await expect(openKeyring(sealed, { seed: digitsToSeed(second.digits) })).rejects.toThrow('not sealed to this key');

    // Confirming writes exactly that keyring; every key still opens through the newest.
    h.restart();
    expect(await h.svc.confirmKeySetup({ answers: answersFor(third) })).toEqual({ ok: true, keyId: third.keyId });
    const { keyring } = await readAll(h.dbName);
    expect(toHex(keyring[0]!.file)).toBe(toHex(sealed));
    expect(await h.svc.unlock({ keyText: third.digits })).toEqual({ ok: true, keyIds: [third.keyId, second.keyId, first.keyId] });
    await h.svc.lock();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it.each(['setup', 'rotate'] as const)('%s: a shown key lapses 30 minutes after it was made, and is deleted', async (purpose) => {
    const h = harness();
    const first = purpose === 'rotate' ? await setUpKey(h) : null;
    const made = first
      ? await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' })
      : await h.svc.beginKeySetup({ keyType: 'pq' });
    if (!('digits' in made)) throw new Error('expected a pending key');
    const expiresAt = new Date(START + PENDING_LIFETIME_MS).toISOString();
    expect(await h.svc.getKeyState()).toMatchObject({ pendingExpiresAt: expiresAt });

    h.clock.now = START + PENDING_LIFETIME_MS - 1;
    h.restart(); // also from a fresh worker, which reads the record back
    expect((await h.svc.getPendingSetup())?.keyId).toBe(made.keyId);
    expect(await h.svc.expirePending()).toBe(false);

    h.clock.now = START + PENDING_LIFETIME_MS;
    expect(await h.svc.expirePending()).toBe(true);
    expect(h.session.dump!()).toEqual({});
    expect(await h.svc.expirePending()).toBe(false);
    expect(await h.svc.getPendingSetup()).toBeNull();
    const state = await h.svc.getKeyState();
    expect(state.pendingExpiresAt).toBeUndefined();
    expect(state.rotationPending).toBe(false);
    expect(state.status).toBe(first ? 'ready' : 'none');
    if (first) expect(state.keyId).toBe(first.keyId);
    await expect(h.svc.confirmKeySetup({ answers: answersFor(made) })).rejects.toMatchObject({ code: 'no-pending-key' });
  });

  it('reading a lapsed record in any call deletes it (no alarm needed)', async () => {
    const h = harness();
    const view = await h.svc.beginKeySetup({ keyType: 'classic' });
    h.clock.now += PENDING_LIFETIME_MS + 1;
    h.restart();
    await expect(h.svc.confirmKeySetup({ answers: answersFor(view) })).rejects.toMatchObject({ code: 'no-pending-key' });
    expect(h.session.dump!()).toEqual({});
    expect((await readAll(h.dbName)).keys).toEqual([]);
  });

  it('drops a session record that carries older seeds (an earlier version’s shape)', async () => {
    const session = memorySessionStore();
    const old = crypto.getRandomValues(new Uint8Array(32));
    await session.set('keys.pending', {
      purpose: 'rotate',
      key: { seedHex: toHex(crypto.getRandomValues(new Uint8Array(32))), type: 'pq', keyId: '0'.repeat(16), createdAt: new Date(START).toISOString() },
      confirmGroups: [1, 2],
      older: [{ seedHex: toHex(old), type: 'pq', keyId: '1'.repeat(16) }],
    });
    const h = harness({ session });
    expect(await h.svc.getPendingSetup()).toBeNull();
    expect(session.dump()).toEqual({});
  });

  it('a pending rotation is refused, not written, once the key it replaces is no longer current', async () => {
    const h = harness();
    const first = await setUpKey(h);
    const second = await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'key', keyType: 'pq' });
    if (!second.ok || !('digits' in second)) throw new Error('expected a pending key');
    const saved = h.session.dump!()['keys.pending'];
    // Meanwhile (another tab) the key is rotated to a password, which drops the waiting rotation...
    expect(await h.svc.rotateKey({ current: { keyText: first.digits }, mode: 'password', keyType: 'pq', newPassword: STRONG })).toMatchObject({ ok: true });
    expect(h.session.dump!()).toEqual({});
    const passwordKeyId = (await h.svc.getKeyState()).keyId;
    // ...and even a stale copy of it coming back must not replace the password key.
    await h.session.set('keys.pending', saved);
    h.restart();
    await expect(h.svc.confirmKeySetup({ answers: answersFor(second) })).rejects.toMatchObject({ code: 'no-pending-key' });
    expect(h.session.dump!()).toEqual({});
    expect(await h.svc.getKeyState()).toMatchObject({ keyId: passwordKeyId, mode: 'password', olderKeyIds: [first.keyId] });
  });
});

describe('change notifications', () => {
  it('calls onChange after each operation and when a shown key lapses; a failing listener changes nothing', async () => {
    let calls = 0;
    const h = harness({
      onChange: () => {
        calls++;
        throw new Error('listener failed');
      },
    });
    const view = await h.svc.beginKeySetup({ keyType: 'pq' });
    await Promise.resolve();
    expect(calls).toBe(1);
    await h.svc.confirmKeySetup({ answers: answersFor(view) });
    await h.svc.checkKey({ keyText: view.digits });
    await Promise.resolve();
    expect(calls).toBe(3);
    const rotated = await h.svc.rotateKey({ current: { keyText: view.digits }, mode: 'key', keyType: 'pq' });
    expect(rotated.ok).toBe(true);
    await Promise.resolve();
    const before = calls;
    h.clock.now += PENDING_LIFETIME_MS;
    await h.svc.getKeyState();
    expect(calls).toBe(before + 1);
  });

  it('says when the reminder falls due', async () => {
    const h = harness();
    await setUpKey(h);
    expect(await h.svc.getKeyState()).toMatchObject({
      reminderDue: false,
      reminderDueAt: new Date(START + 14 * 86_400_000).toISOString(),
    });
    h.settings.reminderEnabled = false;
    expect((await h.svc.getKeyState()).reminderDueAt).toBeUndefined();
  });
});
