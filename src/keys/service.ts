// The worker's key manager: setup (64-digit key, password, existing key), confirmation, practice
// checks, password change, rotation, unlock for restore, turn off. It owns every rule of DESIGN.md
// §2 about what is kept where:
//   - IndexedDB gets the recipient, key id, type, mode, dates, the password key file, the keyring
//     and the non-extractable HMAC key. Never the seed or an identity, in any encoding.
//   - A key shown but not yet confirmed, and identities unlocked for restore, live in the session
//     store (storage.session: memory only) so a worker restart does not lose them. A shown key is
//     kept there for PENDING_LIFETIME_MS at most; a rotation's record never holds the key being
//     replaced or any older one (see PendingRecord).
// Results are JSON-safe (pages receive them through messages) except getBackupKey (a CryptoKey for
// the in-worker backup writer), getKeyFile (bytes) and getUnlockedKeys (seeds, worker only).
import { fromBase64, fromHex, toBase64, toHex, wipe } from '../crypto/bytes';
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
  /** When the shown, unconfirmed key (setup or rotation) is forgotten, if there is one (ISO). */
  pendingExpiresAt?: string;
  /** When the next check falls due (ISO); absent without a key or with the reminder off. */
  reminderDueAt?: string;
}

/** A freshly made 64-digit key, shown once, held in the session until confirmed (PENDING_LIFETIME_MS at most). */
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
  /**
   * Called after anything that may change getKeyState() (each mutating call, a pending key
   * expiring), so the worker can update the toolbar badge and its alarms. Errors are ignored.
   */
  onChange?: () => void | Promise<void>;
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

/**
 * A 64-digit key shown and not yet confirmed. It holds the NEW seed (a reloaded page must show the
 * same key, which may already be written down) and nothing else secret: a rotation seals the next
 * keyring (the key being replaced, then the older ones) to the new key's recipient as soon as the
 * user has proved the current key, so neither the current seed nor any older one is ever in the
 * session store. The record lapses PENDING_LIFETIME_MS after `key.createdAt`.
 */
interface PendingRecord {
  purpose: 'setup' | 'rotate';
  key: SessionKey & { createdAt: string };
  confirmGroups: [number, number];
  /** Rotation only: what confirming writes besides the new key record. */
  rotation?: PendingRotation;
}

interface PendingRotation {
  /** The key this rotation replaces; confirming is refused if another key became current meanwhile. */
  replacesKeyId: string;
  /** The next keyring, an age file already sealed to the new key's recipient (base64). */
  keyringBase64: string;
  /** Its key ids, newest first (the replaced key first). */
  keyIds: string[];
}

interface UnlockedRecord {
  keys: SessionKey[];
  lastUsedAt: string;
}

/**
 * How long a shown key waits for its confirmation: long enough to write 64 digits down or print
 * the kit, short enough that an abandoned setup or rotation does not leave a seed in the browser's
 * memory until it closes. Past it the record is deleted (and treated as none), by the next call
 * that reads it or by the worker's alarm (src/keys/upkeep.ts).
 */
export const PENDING_LIFETIME_MS = 30 * 60_000;

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
      ...(pending ? { pendingExpiresAt: new Date(pendingExpiry(pending)).toISOString() } : {}),
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
      ...(await this.reminder(current)),
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
      const seed = this.newSeed();
      const pending = await this.newPending('setup', opts.keyType, seed);
      wipe(seed);
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
        const rotation = pending.rotation;
        const current = await this.current();
        if (!rotation || current?.keyId !== rotation.replacesKeyId) {
          // The keyring was sealed for a key that is no longer current: writing it would drop keys.
          wipe(seed);
          await this.savePending(null);
          throw new KeyServiceError('no-pending-key', 'the key this rotation was to replace is no longer current');
        }
        await this.replaceKey(record, { file: fromBase64(rotation.keyringBase64), keyIds: rotation.keyIds });
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
   * key added in front, so the newest key opens every older backup; it is sealed right here, while
   * the typed current key is in hand, so nothing but the new seed waits in the session. For mode
   * 'key' the new key is shown and, as at setup, replaces the current one only once two groups are
   * typed back (confirmKeySetup, within PENDING_LIFETIME_MS); for mode 'password' it replaces it at
   * once.
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

      // The next keyring is sealed to the new key at once, so the older seeds leave memory here.
      const seed = this.newSeed();
      try {
        const recipient = await seedToRecipient(seed, opts.keyType);
        const keyring = { file: await sealKeyring(older, recipient), keyIds: older.map((e) => e.keyId) };
        if (opts.mode === 'key') {
          const pending = await this.newPending('rotate', opts.keyType, seed, {
            replacesKeyId: current.keyId,
            keyringBase64: toBase64(keyring.file),
            keyIds: keyring.keyIds,
          });
          return { ok: true as const, ...pendingView(pending) };
        }
        const now = this.now();
        const record = await this.keysRecord(seed, opts.keyType, 'password', now, now);
        record.keyFile = await sealKeyFile(seed, opts.keyType, opts.newPassword!, { createdAt: now, ...this.workFactor() });
        await this.replaceKey(record, keyring);
        // A 64-digit key rotation still waiting would replace a key that is no longer current.
        await this.savePending(null);
        return { ok: true as const, keyId: record.keyId, keyType: opts.keyType };
      } finally {
        for (const e of older) wipe(e.seed);
        wipe(seed);
      }
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

  /** Deletes a shown key past PENDING_LIFETIME_MS (for an alarm); true if it deleted one. */
  async expirePending(): Promise<boolean> {
    const had = this.pending !== undefined ? this.pending : ((await this.deps.session.get<PendingRecord>(PENDING)) ?? null);
    return had !== null && (await this.loadPending()) === null;
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
    void next.then(
      () => this.notify(),
      () => this.notify(),
    );
    return next;
  }

  private notify(): void {
    if (!this.deps.onChange) return;
    try {
      void Promise.resolve(this.deps.onChange()).catch(() => undefined);
    } catch {
      // a listener's failure is not the key service's
    }
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

  /** The pending record, or null; one past its lifetime is deleted here and counts as none. */
  private async loadPending(): Promise<PendingRecord | null> {
    if (this.pending === undefined) {
      const stored = await this.deps.session.get<PendingRecord>(PENDING);
      // A call that ran during the read (e.g. a new setup) has the newer word.
      if (this.pending === undefined) this.pending = isPendingRecord(stored) ? stored : null;
      if (this.pending === null && stored !== undefined) await this.deps.session.remove(PENDING);
    }
    const pending = this.pending;
    if (pending && this.clock().getTime() >= pendingExpiry(pending)) {
      // Cleared synchronously before the removal is issued, so a record saved after this check is
      // written after the removal and survives it.
      this.pending = null;
      await this.deps.session.remove(PENDING);
      this.notify();
      return null;
    }
    return pending;
  }

  private async savePending(pending: PendingRecord | null): Promise<void> {
    this.pending = pending;
    if (pending) await this.deps.session.set(PENDING, pending);
    else await this.deps.session.remove(PENDING);
  }

  /**
   * Keeps `seed` as the shown key (hex, in the session store: needed so a reloaded page shows the
   * same key, for PENDING_LIFETIME_MS at most). The caller wipes its copy.
   */
  private async newPending(
    purpose: PendingRecord['purpose'],
    type: KeyType,
    seed: Uint8Array,
    rotation?: PendingRotation,
  ): Promise<PendingRecord> {
    const pending: PendingRecord = {
      purpose,
      key: { seedHex: toHex(seed), type, keyId: await deriveKeyId(seed), createdAt: this.now() },
      confirmGroups: this.pickGroups(),
      ...(rotation ? { rotation } : {}),
    };
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

  /** Writes the new key and the keyring (already sealed to it), in one transaction. */
  private async replaceKey(record: KeysRecord, keyring: { file: Uint8Array; keyIds: string[] }): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(['keys', 'keyring'], 'readwrite');
    await Promise.all([
      tx.objectStore('keys').put(record),
      tx.objectStore('keyring').put({ id: 'current', file: keyring.file, keyIds: [...keyring.keyIds], updatedAt: this.now() }),
      tx.done,
    ]);
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

  private async reminder(current: KeysRecord): Promise<{ reminderDue: boolean; reminderDueAt?: string }> {
    const s = await this.settings();
    if (!s.reminderEnabled) return { reminderDue: false };
    const dueAt = Date.parse(current.lastCheckedAt ?? current.confirmedAt) + s.reminderIntervalDays * DAY_MS;
    return { reminderDue: this.clock().getTime() >= dueAt, reminderDueAt: new Date(dueAt).toISOString() };
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

function pendingExpiry(p: PendingRecord): number {
  return Date.parse(p.key.createdAt) + PENDING_LIFETIME_MS;
}

/** A record of this shape; anything else in the slot (e.g. from an older version) is dropped. */
function isPendingRecord(v: unknown): v is PendingRecord {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<PendingRecord> & { older?: unknown };
  if (p.purpose !== 'setup' && p.purpose !== 'rotate') return false;
  if (!p.key || typeof p.key.seedHex !== 'string' || Number.isNaN(Date.parse(p.key.createdAt))) return false;
  if ('older' in p) return false; // never keep a record that carries older seeds
  return p.purpose === 'setup' || typeof p.rotation?.keyringBase64 === 'string';
}
