// The worker's answers to page commands: each one checks its payload's shape, calls the key
// service or settings, and turns the result into the protocol's plain-JSON view. Payloads come
// from our own pages (the router checked the sender) but are still validated: a page is UI code,
// and a malformed request must be refused precisely rather than fail somewhere inside.
import { toBase64 } from '../crypto/bytes';
import { KEY_TYPES, type KeyType } from '../crypto/keys';
import type { KeyService, KeyState, SecretFailure, TypoView } from '../keys/service';
import { KeyServiceError } from '../keys/service';
import { InvalidSettingError, type Settings } from '../store/settings';
import { CommandError } from './errors';
import type {
  DriveRequestType,
  KeyMode,
  KeySecret,
  KeyStateView,
  PendingKeyView,
  SecretRefusal,
  TypoHelp,
} from './protocol';
import type { PageHandlers } from './router';

export interface PageHandlerDeps {
  keys: KeyService;
  getSettings: () => Promise<Settings>;
  updateSettings: (patch: Partial<Settings>) => Promise<Settings>;
}

// Longest text accepted where a key or password is typed: a key with generous separators, an
// identity file with comments, a long passphrase. Anything longer is not a key.
const MAX_SECRET_CHARS = 4096;

function bad(message: string): never {
  throw new CommandError('bad-payload', message);
}

function text(payload: Record<string, unknown>, name: string, optional = false): string {
  const v = payload[name];
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') bad(`${name} must be a string`);
  if (v.length > MAX_SECRET_CHARS) bad(`${name} is too long`);
  return v;
}

function keyType(v: unknown): KeyType {
  if (!(KEY_TYPES as readonly unknown[]).includes(v)) bad('keyType must be "pq" or "classic"');
  return v as KeyType;
}

function mode(v: unknown): KeyMode {
  if (v !== 'key' && v !== 'password') bad('mode must be "key" or "password"');
  return v;
}

function secret(v: unknown): KeySecret {
  if (typeof v !== 'object' || v === null) bad('a key or password is needed');
  const s = v as Record<string, unknown>;
  if ('keyText' in s && !('password' in s)) return { keyText: text(s, 'keyText') };
  if ('password' in s && !('keyText' in s)) return { password: text(s, 'password') };
  return bad('give exactly one of keyText and password');
}

function flag(v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') bad('generated must be true or false');
  return v === true;
}

function asRecord(payload: unknown): Record<string, unknown> {
  return payload as Record<string, unknown>;
}

export function toKeyStateView(state: KeyState): KeyStateView {
  if (state.status !== 'ready') return { configured: false, pendingSetup: state.status === 'pending' };
  return {
    configured: true,
    keyId: state.keyId!,
    keyType: state.keyType!,
    mode: state.mode!,
    recipient: state.recipient!,
    createdAt: state.createdAt!,
    confirmedAt: state.confirmedAt!,
    lastCheckedAt: state.lastCheckedAt ?? null,
    reminderDue: state.reminderDue,
    olderKeyIds: [...state.olderKeyIds],
    unlocked: state.unlocked,
    rotationPending: state.rotationPending,
  };
}

/** Exactly the view's fields: a rotation result carries `ok` besides them. */
function toPendingView(p: PendingKeyView): PendingKeyView {
  return {
    digits: p.digits,
    groups: [...p.groups],
    identity: p.identity,
    keyId: p.keyId,
    keyType: p.keyType,
    createdAt: p.createdAt,
    confirmGroups: [p.confirmGroups[0], p.confirmGroups[1]],
  };
}

function toTypo(t: TypoView | undefined): { typo?: TypoHelp } {
  return t ? { typo: { groups: [...t.groups], kind: t.kind } } : {};
}

/** A failed proof of the key, without the parser's details (the page re-parses for those). */
function toSecretFailure(f: SecretFailure): { ok: false; reason: SecretRefusal; typo?: TypoHelp } {
  if (f.reason === 'wrong-key') return { ok: false, reason: 'wrong-key', ...toTypo(f.typo) };
  return { ok: false, reason: f.reason };
}

/** KeyService's misuse errors become coded refusals; everything else stays an internal error. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KeyServiceError) throw new CommandError(error.code, error.message);
    if (error instanceof InvalidSettingError) throw new CommandError('bad-payload', error.message);
    throw error;
  }
}

export function createPageHandlers(deps: PageHandlerDeps): Omit<PageHandlers, DriveRequestType> {
  const { keys } = deps;
  return {
    'key.getState': () => guard(async () => toKeyStateView(await keys.getKeyState())),

    'key.beginSetup': (payload) =>
      guard(async () => toPendingView(await keys.beginKeySetup({ keyType: keyType(asRecord(payload).keyType) }))),

    'key.confirmSetup': (payload) =>
      guard(async () => {
        const answers = asRecord(payload).answers;
        if (!Array.isArray(answers) || answers.length !== 2 || answers.some((a) => typeof a !== 'string' || a.length > 64)) {
          bad('answers must be the two typed groups');
        }
        const result = await keys.confirmKeySetup({ answers: answers as string[] });
        return result.ok ? { ok: true as const, keyId: result.keyId } : { ok: false as const, wrongGroups: [...result.wrongGroups] };
      }),

    'key.getPendingSetup': () =>
      guard(async () => {
        const pending = await keys.getPendingSetup();
        return pending ? toPendingView(pending) : null;
      }),

    'key.cancelSetup': () => guard(() => keys.cancelSetup()),

    'password.suggest': () => guard(async () => ({ passphrase: await keys.suggestPassphrase() })),

    'key.setupWithPassword': (payload) =>
      guard(async () => {
        const p = asRecord(payload);
        const result = await keys.setupWithPassword({
          password: text(p, 'password'),
          keyType: keyType(p.keyType),
          generated: flag(p.generated),
        });
        return result.ok ? { ok: true as const, keyId: result.keyId } : { ok: false as const, reason: result.reason };
      }),

    'key.previewExisting': (payload) =>
      guard(async () => {
        const result = await keys.previewExistingKey({ keyText: text(asRecord(payload), 'keyText') });
        return result.ok
          ? { ok: true as const, keyId: result.keyId, keyType: result.keyType ?? null }
          : { ok: false as const, reason: result.reason };
      }),

    'key.setupExisting': (payload) =>
      guard(async () => {
        const p = asRecord(payload);
        const result = await keys.setupExistingKey({ keyText: text(p, 'keyText'), keyType: keyType(p.keyType) });
        return result.ok ? { ok: true as const, keyId: result.keyId } : { ok: false as const, reason: result.reason };
      }),

    'key.check': (payload) =>
      guard(async () => {
        const result = await keys.checkKey(secret(payload));
        return result.ok ? { ok: true as const } : toSecretFailure(result);
      }),

    'key.changePassword': (payload) =>
      guard(async () => {
        const p = asRecord(payload);
        const result = await keys.changePassword({
          oldPassword: text(p, 'currentPassword'),
          newPassword: text(p, 'newPassword'),
          generated: flag(p.generated),
        });
        if (result.ok) return { ok: true as const };
        if (result.reason === 'weak' || result.reason === 'empty') return { ok: false as const, reason: result.reason };
        return toSecretFailure(result);
      }),

    'key.rotate': (payload) =>
      guard(async () => {
        const p = asRecord(payload);
        const newMode = mode(p.mode);
        const result = await keys.rotateKey({
          current: secret(p.current),
          mode: newMode,
          keyType: keyType(p.keyType),
          ...(newMode === 'password' ? { newPassword: text(p, 'newPassword'), generated: flag(p.generated) } : {}),
        });
        if (result.ok) {
          return 'digits' in result
            ? { ok: true as const, keyId: result.keyId, pending: toPendingView(result) }
            : { ok: true as const, keyId: result.keyId, pending: null };
        }
        switch (result.reason) {
          case 'weak':
          case 'empty':
          case 'keyring-damaged':
            return { ok: false as const, reason: result.reason };
          default:
            return toSecretFailure(result);
        }
      }),

    'key.turnOff': (payload) =>
      guard(async () => {
        if (asRecord(payload).confirm !== 'DELETE') bad('turning off needs confirm: "DELETE"');
        return keys.turnOff({ confirm: 'DELETE' });
      }),

    'key.getKeyFile': () =>
      guard(async () => {
        const [file, state] = await Promise.all([keys.getKeyFile(), keys.getKeyState()]);
        if (!file) throw new CommandError('no-key-file', 'there is a key file only in password mode');
        return { fileName: `ChatSeal-key-file-${state.keyId ?? 'key'}.age`, base64: toBase64(file) };
      }),

    'backup.getKey': () =>
      guard(async () => {
        const key = await keys.getBackupKey();
        return key ? { recipient: key.recipient, keyId: key.keyId } : null;
      }),

    'settings.get': () => guard(() => deps.getSettings()),

    'settings.set': (payload) => guard(() => deps.updateSettings(asRecord(payload) as Partial<Settings>)),
  };
}
