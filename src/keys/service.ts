// The worker's key manager: setup (64-digit key, password, existing key), confirmation, practice
// checks, password change, rotation, unlock for restore, turn off. It owns every rule of DESIGN.md
// §2 about what is kept where:
//   - IndexedDB gets the recipient, key id, type, mode, dates, the password key file, the keyring
//     and the non-extractable HMAC key. Never the seed or an identity, in any encoding.
//   - A key shown but not yet confirmed, and identities unlocked for restore, live in the session
//     store (storage.session: memory only) so a worker restart does not lose them.
// Results are JSON-safe (pages receive them through messages) except getBackupKey (a CryptoKey for
// the in-worker backup writer), getKeyFile (bytes) and getUnlockedKeys (seeds, worker only).
import { fromHex, toHex, wipe } from '../crypto/bytes';
import { KeyFileCorruptError, openKeyFile, sealKeyFile, WrongPasswordError } from '../crypto/keyfile';
import { compactKeyText, parseKeyInput, type KeyInputError } from '../crypto/keyinput';
import { KeyringCorruptError, KeyringWrongKeyError, openKeyring, sealKeyring, type KeyringEntry } from '../crypto/keyring';
import {
  deriveKeyId,
  deriveMacKey,
  generateSeed,
  GROUP_COUNT,
  groupDigits,
  KEY_TYPES,
  seedToDigits,
  seedToIdentity,
  seedToRecipient,
  type KeyType,
} from '../crypto/keys';
import { checkPassword, suggestPassphrase, type PasswordCheck } from '../crypto/password';
import { findTypo } from '../crypto/typo';
import type { ChatSealDb, KeyMode, KeysRecord } from '../store/db';
import { DEFAULT_SETTINGS, type Settings } from '../store/settings';
import type { SessionStore } from './session';

// ---------------------------------------------------------------------------------------------
// Public shapes

export type KeySecret = { keyText: string } | { password: string };

export interface KeyState {
  status: 'none' | 'pending' | 'ready';
  mode?: KeyMode;
  keyType?: KeyType;
  keyId?: string;
  createdAt?: string;
  confirmedAt?: string;
  lastCheckedAt?: string | null;
  reminderDue: boolean;
  /** Key ids in the keyring, newest first. */
  olderKeyIds: string[];
  /** Advanced: the age recipient. */
  recipient?: string;
  /** Identities are unlocked for restore (and not yet idle past the timeout). */
  unlocked: boolean;
  /** A rotation to a new 64-digit key is waiting for its confirmation. */
  rotationPending: boolean;
}

/** A freshly made 64-digit key, shown once, held in the session until confirmed. */
export interface PendingKeyView {
  digits: string;
  groups: string[];
  identity: string;
  keyId: string;
  keyType: KeyType;
  createdAt: string;
  /** Two distinct random 1-based groups the user types back, ascending. */
  confirmGroups: [number, number];
}

export interface TypoView {
  /** 1-based group that looks wrong (the first, for a swap across two groups). */
  group: number;
  groups: number[];
  kind: 'digit' | 'swap';
}

export type KeyRefusal = Omit<KeyInputError, 'ok'>;

export type SecretFailure =
  | ({ ok: false } & KeyRefusal)
  | { ok: false; reason: 'wrong-key'; typo?: TypoView }
  /** A key that was replaced by rotation: it opens older backups but is no longer the key. */
  | { ok: false; reason: 'old-key' }
  | { ok: false; reason: 'wrong-password' }
  | { ok: false; reason: 'not-password-mode' }
  | { ok: false; reason: 'key-file-damaged'; detail: string };

export type PasswordRefusal =
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'weak'; check: PasswordCheck };

export type ConfirmResult = { ok: true; keyId: string } | { ok: false; wrongGroups: number[] };
export type SetupResult = { ok: true; keyId: string; keyType: KeyType };
export type PreviewResult = { ok: true; keyId: string; keyType?: KeyType } | ({ ok: false } & KeyRefusal);
export type CheckResult = { ok: true } | SecretFailure;
export type UnlockResult = { ok: true; keyIds: string[]; keyringError?: 'wrong-key' | 'damaged' } | SecretFailure;
export type RotateResult =
  | ({ ok: true } & PendingKeyView) // mode 'key': confirm before it replaces the current key
  | { ok: true; keyId: string; keyType: KeyType } // mode 'password': done
  | SecretFailure
  | PasswordRefusal
  | { ok: false; reason: 'keyring-damaged'; detail: string };

export interface BackupKey {
  recipient: string;
  keyId: string;
  macKey: CryptoKey;
}

export interface UnlockedKey {
  seed: Uint8Array;
  type: KeyType;
  keyId: string;
}

export type KeyServiceErrorCode =
  | 'no-key' // needs a key and none is set up
  | 'key-exists' // setup while a key is set up (rotate instead)
  | 'no-pending-key' // confirm with nothing pending
  | 'bad-payload'; // a malformed request (e.g. turnOff without "DELETE")

/** Misuse or a state conflict, as opposed to an expected outcome (returned as { ok: false }). */
export class KeyServiceError extends Error {
  override readonly name = 'KeyServiceError';
  constructor(
    readonly code: KeyServiceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface KeyServiceDeps {
  /** Opens the database (called once, lazily). */
  db: () => Promise<ChatSealDb>;
  session: SessionStore;
  clock?: () => Date;
  /** CSPRNG bytes; also the source of new seeds. */
  random?: (n: number) => Uint8Array;
  settings?: () => Promise<Pick<Settings, 'reminderEnabled' | 'reminderIntervalDays' | 'unlockTimeoutMinutes'>>;
  /** scrypt work factor for new key files; default 18. Tests lower it explicitly. */
  keyFileWorkFactor?: number;
}

// ---------------------------------------------------------------------------------------------
// Session records (JSON: storage.session copies values)

const PENDING = 'keys.pending';
const UNLOCKED = 'keys.unlocked';

interface SessionKey {
  seedHex: string;
  type: KeyType;
  keyId: string;
  createdAt?: string;
}

interface PendingRecord {
  purpose: 'setup' | 'rotate';
  key: SessionKey & { createdAt: string };
  confirmGroups: [number, number];
  /** Rotation only: the key being replaced, then the keyring's identities (newest first). */
  older?: SessionKey[];
}

interface UnlockedRecord {
  keys: SessionKey[];
  lastUsedAt: string;
}

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------

export class KeyService {
  private readonly clock: () => Date;
  private readonly random: (n: number) => Uint8Array;
  private readonly settings: NonNullable<KeyServiceDeps['settings']>;
  private dbPromise: Promise<ChatSealDb> | undefined;
  private pending: PendingRecord | null | undefined; // undefined: not read from the session yet
  /** Passphrases this service suggested, the only ones judged by known entropy (memory only). */
  private readonly suggested = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: KeyServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.random = deps.random ?? ((n) => crypto.getRandomValues(new Uint8Array(n)));
    this.settings = deps.settings ?? (async () => DEFAULT_SETTINGS);
  }

  // ----- state ---------------------------------------------------------------------------------

  async getKeyState(): Promise<KeyState> {
    const [current, keyring, pending, unlocked] = await Promise.all([
      this.current(),
      this.db().then((db) => db.get('keyring', 'current')),
      this.loadPending(),
      this.readUnlocked(false),
    ]);
    const base = {
      olderKeyIds: keyring?.keyIds ?? [],
      unlocked: unlocked !== null,
      rotationPending: pending?.purpose === 'rotate',
    };
    if (!current) {
      if (pending?.purpose === 'setup') {
        const { keyId, type, createdAt } = pending.key;
        return { status: 'pending', keyId, keyType: type, createdAt, reminderDue: false, ...base, olderKeyIds: [] };
      }
      return { status: 'none', reminderDue: false, ...base, olderKeyIds: [] };
    }
    return {
      status: 'ready',
      mode: current.mode,
      keyType: current.keyType,
      keyId: current.keyId,
      createdAt: current.createdAt,
      confirmedAt: current.confirmedAt,
      lastCheckedAt: current.lastCheckedAt,
      recipient: current.recipient,
      reminderDue: await this.reminderDue(current),
      ...base,
    };
  }

  /** The pending key again (e.g. the setup page was reloaded), or null. */
  async getPendingSetup(): Promise<PendingKeyView | null> {
    const pending = await this.loadPending();
    return pending ? pendingView(pending) : null;
  }

  // ----- setup: 64-digit key -------------------------------------------------------------------

  beginKeySetup(opts: { keyType: KeyType }): Promise<PendingKeyView> {
    return this.serial(async () => {
      assertKeyType(opts.keyType);
      if (await this.current()) throw new KeyServiceError('key-exists', 'a key is already set up; rotate it instead');
      const pending = await this.newPending('setup', opts.keyType);
      return pendingView(pending);
    });
  }

  cancelSetup(): Promise<{ ok: true }> {
    return this.serial(async () => {
      await this.savePending(null);
      return { ok: true as const };
    });
  }

  /**
   * `answers` maps each asked group (1-based) to what the user typed; an array is read in the order
   * of confirmGroups. Spaces, dashes and case do not matter.
   */
  confirmKeySetup(opts: { answers: Record<number, string> | string[] }): Promise<ConfirmResult> {
    return this.serial(async () => {
      const pending = await this.loadPending();
      if (!pending) throw new KeyServiceError('no-pending-key', 'no key is waiting for confirmation');
      const seed = fromHex(pending.key.seedHex);
      const groups = groupDigits(seedToDigits(seed));
      const wrongGroups = pending.confirmGroups.filter((g, i) => {
        const typed = Array.isArray(opts.answers) ? opts.answers[i] : opts.answers[g];
        return typeof typed !== 'string' || compactKeyText(typed).toLowerCase() !== groups[g - 1];
      });
      if (wrongGroups.length > 0) return { ok: false, wrongGroups };

      const now = this.now();
      const record = await this.keysRecord(seed, pending.key.type, 'key', pending.key.createdAt, now);
      if (pending.purpose === 'rotate') {
        await this.replaceKey(record, (pending.older ?? []).map(fromSessionKey));
      } else {
        if (await this.current()) throw new KeyServiceError('key-exists', 'a key was set up meanwhile');
        const db = await this.db();
        await db.put('keys', record);
      }
      wipe(seed);
      await this.savePending(null);
      return { ok: true, keyId: record.keyId };
    });
  }

  // ----- setup: password -----------------------------------------------------------------------

  /** A generated passphrase; remembered (in memory) so `generated: true` is honoured for it only. */
  async suggestPassphrase(words?: number): Promise<string> {
    const p = await suggestPassphrase(words);
    this.suggested.add(p);
    return p;
  }

  async checkPasswordStrength(opts: { password: string; generated?: boolean }): Promise<PasswordCheck> {
    return checkPassword(opts.password, { generated: !!opts.generated && this.suggested.has(opts.password) });
  }

  setupWithPassword(opts: { password: string; keyType: KeyType; generated?: boolean }): Promise<SetupResult | PasswordRefusal> {
    return this.serial(async () => {
      assertKeyType(opts.keyType);
      if (await this.current()) throw new KeyServiceError('key-exists', 'a key is already set up; rotate it instead');
      const refusal = await this.passwordRefusal(opts.password, opts.generated);
      if (refusal) return refusal;
      const seed = this.newSeed();
      const now = this.now();
      const record = await this.keysRecord(seed, opts.keyType, 'password', now, now);
      record.keyFile = await sealKeyFile(seed, opts.keyType, opts.password, {
        createdAt: now,
        ...this.workFactor(),
      });
      const db = await this.db();
      await db.put('keys', record);
      wipe(seed);
      await this.savePending(null);
      return { ok: true, keyId: record.keyId, keyType: opts.keyType };
    });
  }

  // ----- setup: existing key -------------------------------------------------------------------

  async previewExistingKey(opts: { keyText: string }): Promise<PreviewResult> {
    const parsed = parseKeyInput(opts.keyText);
    if (!parsed.ok) return refusal(parsed);
    const keyId = await deriveKeyId(parsed.seed);
    wipe(parsed.seed);
    return parsed.type ? { ok: true, keyId, keyType: parsed.type } : { ok: true, keyId };
  }

  /**
   * Joins an existing key. An identity string carries its type, which wins over `keyType` (the
   * string is what the user's other browser and backups use); 64 digits take `keyType`.
   */
  setupExistingKey(opts: { keyText: string; keyType?: KeyType }): Promise<SetupResult | ({ ok: false } & KeyRefusal)> {
    return this.serial(async () => {
      if (await this.current()) throw new KeyServiceError('key-exists', 'a key is already set up; rotate it instead');
      const parsed = parseKeyInput(opts.keyText);
      if (!parsed.ok) return refusal(parsed);
      const type = parsed.type ?? opts.keyType;
      if (type === undefined) throw new KeyServiceError('bad-payload', 'the key type is needed for a 64-digit key');
      assertKeyType(type);
      const now = this.now();
      const record = await this.keysRecord(parsed.seed, type, 'key', now, now);
      const db = await this.db();
      await db.put('keys', record);
      wipe(parsed.seed);
      await this.savePending(null);
      return { ok: true, keyId: record.keyId, keyType: type };
    });
  }

  // ----- manage ----------------------------------------------------------------------------------

  /** "Check my key / password": proves the user still holds it; resets the reminder. */
  checkKey(secret: KeySecret): Promise<CheckResult> {
    return this.serial(async () => {
      const current = await this.requireCurrent();
      const verified = await this.verify(current, secret);
      if (!verified.ok) return verified;
      wipe(verified.seed);
      await this.markChecked();
      return { ok: true as const };
    });
  }

  changePassword(opts: { oldPassword: string; newPassword: string; generated?: boolean }): Promise<
    { ok: true } | SecretFailure | PasswordRefusal
  > {
    return this.serial(async () => {
      const current = await this.requireCurrent();
      if (current.mode !== 'password') return { ok: false as const, reason: 'not-password-mode' as const };
      const verified = await this.verify(current, { password: opts.oldPassword });
      if (!verified.ok) return verified;
      const refusal = await this.passwordRefusal(opts.newPassword, opts.generated);
      if (refusal) return refusal;
      // Same identity, new password: only the key file changes (DESIGN.md §2).
      const keyFile = await sealKeyFile(verified.seed, current.keyType, opts.newPassword, {
        createdAt: current.createdAt,
        ...this.workFactor(),
      });
      wipe(verified.seed);
      const db = await this.db();
      await db.put('keys', { ...current, keyFile, lastCheckedAt: this.now() });
      return { ok: true as const };
    });
  }

  /**
   * A new identity for new backups. The keyring is re-sealed to the new recipient with the current
   * key added in front, so the newest key opens every older backup. For mode 'key' the new key is
   * shown and, as at setup, replaces the current one only once two groups are typed back
   * (confirmKeySetup); for mode 'password' it replaces it at once.
   */
  rotateKey(opts: {
    current: KeySecret;
    mode: KeyMode;
    keyType: KeyType;
    newPassword?: string;
    generated?: boolean;
  }): Promise<RotateResult> {
    return this.serial(async () => {
      assertKeyType(opts.keyType);
      const current = await this.requireCurrent();
      const verified = await this.verify(current, opts.current);
      if (!verified.ok) return verified;
      if (opts.mode === 'password') {
        const refusal = await this.passwordRefusal(opts.newPassword ?? '', opts.generated);
        if (refusal) {
          wipe(verified.seed);
          return refusal;
        }
      }
      let older: KeyringEntry[];
      try {
        older = await this.olderEntries(current, verified.seed);
      } catch (e) {
        // Rotating past a keyring that will not open would lose the older keys for good: refuse.
        if (e instanceof KeyringWrongKeyError || e instanceof KeyringCorruptError) {
          return { ok: false as const, reason: 'keyring-damaged' as const, detail: e.message };
        }
        throw e;
      } finally {
        wipe(verified.seed);
      }

      if (opts.mode === 'key') {
        const pending = await this.newPending('rotate', opts.keyType, older.map(toSessionKey));
        for (const e of older) wipe(e.seed);
        return { ok: true as const, ...pendingView(pending) };
      }
      const seed = this.newSeed();
      const now = this.now();
      const record = await this.keysRecord(seed, opts.keyType, 'password', now, now);
      record.keyFile = await sealKeyFile(seed, opts.keyType, opts.newPassword!, { createdAt: now, ...this.workFactor() });
      await this.replaceKey(record, older);
      wipe(seed);
      return { ok: true as const, keyId: record.keyId, keyType: opts.keyType };
    });
  }

  /** Deletes the local key, keyring, pending key and unlocked identities. */
  turnOff(opts: { confirm: string }): Promise<{ ok: true }> {
    return this.serial(async () => {
      if (opts.confirm !== 'DELETE') throw new KeyServiceError('bad-payload', 'turning off needs confirm: "DELETE"');
      const db = await this.db();
      const tx = db.transaction(['keys', 'keyring'], 'readwrite');
      await Promise.all([tx.objectStore('keys').delete('current'), tx.objectStore('keyring').delete('current'), tx.done]);
      await Promise.all([this.savePending(null), this.deps.session.remove(UNLOCKED)]);
      this.suggested.clear();
      return { ok: true as const };
    });
  }

  // ----- unlock (restore) ------------------------------------------------------------------------

  /** Unlocks the current key and every keyring identity into the session; returns key ids only. */
  unlock(secret: KeySecret): Promise<UnlockResult> {
    return this.serial(async () => {
      const current = await this.requireCurrent();
      const verified = await this.verify(current, secret);
      if (!verified.ok) return verified;
      const keys: SessionKey[] = [{ seedHex: toHex(verified.seed), type: current.keyType, keyId: current.keyId }];
      let keyringError: 'wrong-key' | 'damaged' | undefined;
      try {
        keys.push(...(await this.keyringEntries(verified.seed, current.keyType)).map(toSessionKey));
      } catch (e) {
        // The current key still opens new backups; say what is wrong with the older ones.
        if (e instanceof KeyringWrongKeyError) keyringError = 'wrong-key';
        else if (e instanceof KeyringCorruptError) keyringError = 'damaged';
        else throw e;
      }
      wipe(verified.seed);
      const record: UnlockedRecord = { keys, lastUsedAt: this.now() };
      await this.deps.session.set(UNLOCKED, record);
      await this.markChecked();
      const keyIds = keys.map((k) => k.keyId);
      return keyringError ? { ok: true as const, keyIds, keyringError } : { ok: true as const, keyIds };
    });
  }

  async lock(): Promise<{ ok: true }> {
    await this.deps.session.remove(UNLOCKED);
    return { ok: true };
  }

  /**
   * For the restore path inside the worker: the unlocked keys, or null when locked or idle past the
   * timeout (which locks). Each call counts as use and restarts the idle timer.
   */
  async getUnlockedKeys(): Promise<UnlockedKey[] | null> {
    const record = await this.readUnlocked(true);
    return record ? record.keys.map((k) => ({ seed: fromHex(k.seedHex), type: k.type, keyId: k.keyId })) : null;
  }

  /** Locks if idle past the timeout (for an alarm); true if it locked. */
  async expireIfIdle(): Promise<boolean> {
    const had = await this.deps.session.get<UnlockedRecord>(UNLOCKED);
    return had !== undefined && (await this.readUnlocked(false)) === null;
  }

  // ----- for the backup writer and downloads ----------------------------------------------------

  async getBackupKey(): Promise<BackupKey | null> {
    const current = await this.current();
    return current ? { recipient: current.recipient, keyId: current.keyId, macKey: current.macKey } : null;
  }

  async getKeyFile(): Promise<Uint8Array | null> {
    const current = await this.current();
    return current?.mode === 'password' && current.keyFile ? current.keyFile : null;
  }

  // ---------------------------------------------------------------------------------------------
  // internals

  private db(): Promise<ChatSealDb> {
    this.dbPromise ??= this.deps.db();
    return this.dbPromise;
  }

  private async current(): Promise<KeysRecord | undefined> {
    return (await this.db()).get('keys', 'current');
  }

  private async requireCurrent(): Promise<KeysRecord> {
    const current = await this.current();
    if (!current) throw new KeyServiceError('no-key', 'no key is set up');
    return current;
  }

  /** One mutating operation at a time: a double click must not confirm or rotate twice. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private newSeed(): Uint8Array {
    if (!this.deps.random) return generateSeed();
    const seed = this.random(32);
    if (seed.length !== 32) throw new Error('random source returned the wrong length');
    return seed;
  }

  private workFactor(): { workFactor?: number } {
    return this.deps.keyFileWorkFactor === undefined ? {} : { workFactor: this.deps.keyFileWorkFactor };
  }

  private async loadPending(): Promise<PendingRecord | null> {
    if (this.pending === undefined) this.pending = (await this.deps.session.get<PendingRecord>(PENDING)) ?? null;
    return this.pending;
  }

  private async savePending(pending: PendingRecord | null): Promise<void> {
    this.pending = pending;
    if (pending) await this.deps.session.set(PENDING, pending);
    else await this.deps.session.remove(PENDING);
  }

  private async newPending(purpose: PendingRecord['purpose'], type: KeyType, older?: SessionKey[]): Promise<PendingRecord> {
    const seed = this.newSeed();
    const pending: PendingRecord = {
      purpose,
      key: { seedHex: toHex(seed), type, keyId: await deriveKeyId(seed), createdAt: this.now() },
      confirmGroups: this.pickGroups(),
      ...(older ? { older } : {}),
    };
    wipe(seed);
    await this.savePending(pending);
    return pending;
  }

  /** Two distinct uniformly random groups in 1..16, ascending. */
  private pickGroups(): [number, number] {
    // 256 is a multiple of 16, so the low four bits are uniform; for the second, reject bytes >= 240
    // so that the remainder mod 15 is uniform.
    const first = (this.random(1)[0]! & 15) + 1;
    let b: number;
    do b = this.random(1)[0]!;
    while (b >= 240);
    let second = (b % (GROUP_COUNT - 1)) + 1;
    if (second >= first) second++;
    return first < second ? [first, second] : [second, first];
  }

  private async keysRecord(
    seed: Uint8Array,
    type: KeyType,
    mode: KeyMode,
    createdAt: string,
    confirmedAt: string,
  ): Promise<KeysRecord> {
    return {
      id: 'current',
      keyId: await deriveKeyId(seed),
      keyType: type,
      mode,
      recipient: await seedToRecipient(seed, type),
      createdAt,
      confirmedAt,
      lastCheckedAt: null,
      macKey: await deriveMacKey(seed),
    };
  }

  /** Writes the new key and the keyring sealed to it, in one transaction. */
  private async replaceKey(record: KeysRecord, older: KeyringEntry[]): Promise<void> {
    const file = await sealKeyring(older, record.recipient);
    const db = await this.db();
    const tx = db.transaction(['keys', 'keyring'], 'readwrite');
    await Promise.all([
      tx.objectStore('keys').put(record),
      tx.objectStore('keyring').put({ id: 'current', file, keyIds: older.map((e) => e.keyId), updatedAt: this.now() }),
      tx.done,
    ]);
    for (const e of older) wipe(e.seed);
    // Unlocked identities were the old set; the user unlocks again with the new key.
    await this.deps.session.remove(UNLOCKED);
  }

  /** The current key followed by the keyring's identities: the next keyring. */
  private async olderEntries(current: KeysRecord, seed: Uint8Array): Promise<KeyringEntry[]> {
    const self: KeyringEntry = {
      seed: new Uint8Array(seed),
      type: current.keyType,
      keyId: current.keyId,
      createdAt: current.createdAt,
    };
    return [self, ...(await this.keyringEntries(seed, current.keyType))];
  }

  private async keyringEntries(seed: Uint8Array, type: KeyType): Promise<KeyringEntry[]> {
    const keyring = await (await this.db()).get('keyring', 'current');
    return keyring ? openKeyring(keyring.file, { seed, type }) : [];
  }

  /** Checks a typed key or password against the current key; on success returns its seed. */
  private async verify(
    current: KeysRecord,
    secret: KeySecret,
  ): Promise<{ ok: true; seed: Uint8Array } | SecretFailure> {
    if ('keyText' in secret) {
      const parsed = parseKeyInput(secret.keyText);
      if (!parsed.ok) return refusal(parsed);
      const keyId = await deriveKeyId(parsed.seed);
      if (keyId === current.keyId) return { ok: true, seed: parsed.seed };
      const keyring = await (await this.db()).get('keyring', 'current');
      if (keyring?.keyIds.includes(keyId)) {
        wipe(parsed.seed);
        return { ok: false, reason: 'old-key' };
      }
      const hit = await findTypo(parsed.seed, current.keyId);
      wipe(parsed.seed);
      if (!hit) return { ok: false, reason: 'wrong-key' };
      wipe(hit.seed); // the hint names the group; the user types the key again
      return { ok: false, reason: 'wrong-key', typo: { group: hit.group, groups: [...hit.groups], kind: hit.kind } };
    }
    if (current.mode !== 'password' || !current.keyFile) return { ok: false, reason: 'not-password-mode' };
    try {
      const opened = await openKeyFile(current.keyFile, secret.password);
      if (opened.keyId !== current.keyId) {
        wipe(opened.seed);
        return { ok: false, reason: 'key-file-damaged', detail: 'the key file holds a different key' };
      }
      return { ok: true, seed: opened.seed };
    } catch (e) {
      if (e instanceof WrongPasswordError) return { ok: false, reason: 'wrong-password' };
      if (e instanceof KeyFileCorruptError) return { ok: false, reason: 'key-file-damaged', detail: e.message };
      throw e;
    }
  }

  private async passwordRefusal(password: string, generated?: boolean): Promise<PasswordRefusal | null> {
    if (password.length === 0) return { ok: false, reason: 'empty' };
    const check = await this.checkPasswordStrength({ password, generated: !!generated });
    return check.ok ? null : { ok: false, reason: 'weak', check };
  }

  private async markChecked(): Promise<void> {
    const db = await this.db();
    const current = await db.get('keys', 'current');
    if (current) await db.put('keys', { ...current, lastCheckedAt: this.now() });
  }

  private async reminderDue(current: KeysRecord): Promise<boolean> {
    const s = await this.settings();
    if (!s.reminderEnabled) return false;
    const since = Date.parse(current.lastCheckedAt ?? current.confirmedAt);
    return this.clock().getTime() - since >= s.reminderIntervalDays * DAY_MS;
  }

  /** The unlocked record if not idle past the timeout (locking it otherwise); `touch` counts as use. */
  private async readUnlocked(touch: boolean): Promise<UnlockedRecord | null> {
    const record = await this.deps.session.get<UnlockedRecord>(UNLOCKED);
    if (!record) return null;
    const { unlockTimeoutMinutes } = await this.settings();
    const now = this.clock().getTime();
    if (now - Date.parse(record.lastUsedAt) >= unlockTimeoutMinutes * 60_000) {
      await this.deps.session.remove(UNLOCKED);
      return null;
    }
    if (touch) {
      const touched = { ...record, lastUsedAt: this.now() };
      await this.deps.session.set(UNLOCKED, touched);
      return touched;
    }
    return record;
  }
}

// ---------------------------------------------------------------------------------------------

function assertKeyType(type: unknown): asserts type is KeyType {
  if (!(KEY_TYPES as readonly unknown[]).includes(type)) {
    throw new KeyServiceError('bad-payload', `unknown key type ${JSON.stringify(type)}`);
  }
}

function refusal(parsed: KeyInputError): { ok: false } & KeyRefusal {
  return { ...parsed };
}

function pendingView(p: PendingRecord): PendingKeyView {
  const seed = fromHex(p.key.seedHex);
  const digits = seedToDigits(seed);
  const view: PendingKeyView = {
    digits,
    groups: groupDigits(digits),
    identity: seedToIdentity(seed, p.key.type),
    keyId: p.key.keyId,
    keyType: p.key.type,
    createdAt: p.key.createdAt,
    confirmGroups: [...p.confirmGroups],
  };
  wipe(seed);
  return view;
}

function toSessionKey(e: KeyringEntry): SessionKey {
  return { seedHex: toHex(e.seed), type: e.type, keyId: e.keyId, ...(e.createdAt ? { createdAt: e.createdAt } : {}) };
}

function fromSessionKey(k: SessionKey): KeyringEntry {
  return { seed: fromHex(k.seedHex), type: k.type, keyId: k.keyId, ...(k.createdAt ? { createdAt: k.createdAt } : {}) };
}
