// The typed message protocol between ChatSeal's contexts, one request map per direction.
// A request type belongs to exactly one direction; the router decides the direction from the
// type (never from anything the sender claims) and applies that direction's sender rule.
// Everything here crosses a browser message channel, which in Chrome is JSON-like: payloads and
// results are plain JSON (no Uint8Array, Date, Map, undefined-in-arrays, BigInt). Bytes travel as
// base64 strings, dates as ISO 8601 strings.
import type { KeyInputError } from '../crypto/keyinput';
import type { KeyType } from '../crypto/keys';
import type {
  ConfirmResult,
  KeySecret,
  KeyState,
  PasswordRefusal as ServicePasswordRefusal,
  PendingKeyView,
  SecretFailure,
  TypoView,
} from '../keys/service';
import type { KeyMode } from '../store/db';
import type { ConnectionState, ConnectResult } from '../drive/connection';
import type { OutboxItemView, OutboxView } from '../drive/manager';
import type { Settings } from '../store/settings';

// Shapes the key service already returns as plain JSON have their one home there; the protocol
// re-exports them. What differs on the wire (fewer details, other names) is declared below.
export type { ConfirmResult, KeyMode, KeySecret, PendingKeyView, Settings };
export type { ConnectionState, ConnectResult, OutboxItemView, OutboxView };

/** Why typed key text was refused before any cryptographic work (see src/crypto/keyinput.ts). */
export type KeyInputRefusal = KeyInputError['reason'];

/** 1-based group numbers (of the 16 groups of 4) that look wrong; two for a swap across groups. */
export type TypoHelp = Pick<TypoView, 'groups' | 'kind'>;

/**
 * The key service's state as pages see it. Field meanings are documented on KeyState
 * (src/keys/service.ts); a configured key has all of its fields.
 */
export type KeyStateView =
  | {
      configured: false;
      /** A 64-digit key was shown and not yet confirmed (e.g. the page was reloaded). */
      pendingSetup: boolean;
    }
  | ({ configured: true; lastCheckedAt: string | null } & Required<
      Pick<KeyState, 'keyId' | 'keyType' | 'mode' | 'recipient' | 'createdAt' | 'confirmedAt'>
    > &
      Pick<KeyState, 'reminderDue' | 'olderKeyIds' | 'unlocked' | 'rotationPending'>);

export type PasswordRefusal = ServicePasswordRefusal['reason'];

export type PasswordSetupResult = { ok: true; keyId: string } | { ok: false; reason: PasswordRefusal };

export type PreviewResult =
  | { ok: true; keyId: string; keyType: KeyType | null }
  | { ok: false; reason: KeyInputRefusal };

export type SetupExistingResult = { ok: true; keyId: string } | { ok: false; reason: KeyInputRefusal };

/** Why a typed key or password did not prove the user holds the current key. */
export type SecretRefusal = SecretFailure['reason'];

export type CheckResult = { ok: true } | { ok: false; reason: SecretRefusal; typo?: TypoHelp };

export type ChangePasswordResult = { ok: true } | { ok: false; reason: SecretRefusal | PasswordRefusal; typo?: TypoHelp };

export type RotateResult =
  /** mode 'key': the new key is shown and replaces the current one once confirmed; 'password': done. */
  | { ok: true; keyId: string; pending: PendingKeyView | null }
  | { ok: false; reason: SecretRefusal | PasswordRefusal | 'keyring-damaged'; typo?: TypoHelp };

export interface BackupKeyView {
  recipient: string;
  keyId: string;
}

type Empty = Record<string, never>;

/** Commands from ChatSeal's own extension pages (options, popup, import). */
export interface PageToWorker {
  'key.getState': { payload: Empty; result: KeyStateView };
  'key.beginSetup': { payload: { keyType: KeyType }; result: PendingKeyView };
  /** answers[i] is what the user typed for confirmGroups[i]. */
  'key.confirmSetup': { payload: { answers: string[] }; result: ConfirmResult };
  /** The key shown and not yet confirmed (setup or rotation), again: e.g. after a reload. */
  'key.getPendingSetup': { payload: Empty; result: PendingKeyView | null };
  /** Forgets a key shown but not confirmed (setup or rotation). */
  'key.cancelSetup': { payload: Empty; result: { ok: true } };
  /** A passphrase of random words; the worker remembers it so `generated: true` counts for it. */
  'password.suggest': { payload: Empty; result: { passphrase: string } };
  'key.setupWithPassword': {
    payload: { password: string; keyType: KeyType; generated: boolean };
    result: PasswordSetupResult;
  };
  'key.previewExisting': { payload: { keyText: string }; result: PreviewResult };
  'key.setupExisting': { payload: { keyText: string; keyType: KeyType }; result: SetupExistingResult };
  /** Practice unlock ("Check my key"); on success the reminder starts over. */
  'key.check': { payload: KeySecret; result: CheckResult };
  'key.changePassword': {
    payload: { currentPassword: string; newPassword: string; generated: boolean };
    result: ChangePasswordResult;
  };
  'key.rotate': {
    payload: { current: KeySecret; mode: KeyMode; keyType: KeyType; newPassword?: string; generated?: boolean };
    result: RotateResult;
  };
  'key.turnOff': { payload: { confirm: 'DELETE' }; result: { ok: true } };
  /** Password mode: the age passphrase file of the identity, base64. */
  'key.getKeyFile': { payload: Empty; result: { fileName: string; base64: string } };
  /** What a page needs to make a backup, besides the MAC key (a CryptoKey: read from IndexedDB). */
  'backup.getKey': { payload: Empty; result: BackupKeyView | null };
  'settings.get': { payload: Empty; result: Settings };
  'settings.set': { payload: Partial<Settings>; result: Settings };
  // Google Drive and the outbox (src/drive/connection.ts, src/drive/manager.ts, src/backup/outbox.ts).
  'drive.getState': { payload: Empty; result: ConnectionState };
  /** Opens Google's sign-in window from the worker; a popup may close before the answer arrives. */
  'drive.connect': { payload: Empty; result: ConnectResult };
  /** The answer to `confirm-account`: switch to the new account (true) or keep the old one. */
  'drive.confirmAccount': { payload: { useNew: boolean }; result: ConnectionState };
  'drive.disconnect': { payload: Empty; result: ConnectionState };
  'outbox.list': { payload: Empty; result: OutboxView };
  /** Something was added to the outbox (import page, capture): start uploading. */
  'outbox.kick': { payload: Empty; result: { ok: true } };
  'outbox.pause': { payload: { id: string }; result: OutboxView };
  'outbox.resume': { payload: { id: string }; result: OutboxView };
  'outbox.retry': { payload: { id: string }; result: OutboxView };
  /** Removes the backup from the outbox (the popup asks first). */
  'outbox.cancel': { payload: { id: string }; result: OutboxView };
}

// --- capture (content scripts on chat origins <-> worker; the data itself goes over the 'capture'
// port, src/capture/protocol.ts) ---

/** What a chat page's Encrypted export button needs to know before it starts. */
export interface CaptureStatus {
  /** A backup key is set up (otherwise the button opens the options page). */
  keyReady: boolean;
  /** The "Capture images" setting. */
  captureImages: boolean;
  /** The "History range" setting: null for all history, else YYYY-MM-DD (only messages since). */
  historySince: string | null;
}

/** Capture traffic from content scripts on chat origins (the router checks the sender). */
export interface ContentToWorker {
  'capture.status': { payload: Empty; result: CaptureStatus };
  /** No key yet: the worker opens the options page (a content script cannot). */
  'capture.openOptions': { payload: Empty; result: { ok: true } };
}

export type ContentPayload<K extends ContentRequestType> = ContentToWorker[K]['payload'];
export type ContentResult<K extends ContentRequestType> = ContentToWorker[K]['result'];


// --- Popup -> the active tab's content script (capture entry points; cap-e2e with cap-core) ---
// The popup sends these with tabs.sendMessage(activeTabId, { type, payload }) (no `tabs`
// permission: the id is enough); the content script answers with the same ResponseMessage
// envelope. A tab without our content script does not answer, and the popup then shows nothing
// about capture. Answers carry counts and names of anchors, never chat content.

/** What the popup shows for the current tab. */
export interface TabCaptureStatus {
  site: Exclude<import('../export/types').SourceSite, 'whatsapp-export'>;
  /** The adapter's name for people ("WhatsApp Web"). */
  siteName: string;
  /** Not yet checked against the live site (docs/SITES.md): the UI says "experimental". */
  experimental: boolean;
  /** A chat is open, so "Export this chat" can start. */
  chatOpen: boolean;
  /** A capture is running in this tab. */
  capturing: boolean;
}

export type CaptureStartResult =
  | { ok: true }
  /** No key yet: the content script opened the options page, as the button does. */
  | { ok: false; reason: 'no-key' | 'no-chat' | 'busy' };

/** "Check this chat": what the adapter finds in the page now. Counts only. */
export interface ChatProbeReport {
  site: TabCaptureStatus['site'];
  siteName: string;
  experimental: boolean;
  chatOpen: boolean;
  /** Every anchor of the adapter, in its order; `form` is the index into its forms, -1 = not found. */
  anchors: { name: string; required: boolean; form: number; forms: number }[];
  rows: {
    /** Rows of the open chat in the DOM now. */
    mounted: number;
    /** Parsed into a message. */
    messages: number;
    /** Day separators. */
    days: number;
    /** Not part of the chat (dividers, notices). */
    skipped: number;
    /** Not filled in yet (lazy content). */
    pending: number;
    /** Should be messages but lack a required anchor. */
    broken: number;
  };
  /** Of `rows.messages`: how many got a full date and time, and how many did not. */
  timestamps: { resolved: number; unresolved: number };
}

export interface PopupToContent {
  'capture.status': { payload: Empty; result: TabCaptureStatus };
  /** Starts capturing the open chat, as the page's Encrypted export button does. */
  'capture.start': { payload: Empty; result: CaptureStartResult };
  'capture.probe': { payload: Empty; result: ChatProbeReport };
}
export type TabRequestType = keyof PopupToContent;
// --- end popup -> content script ---

export type PageRequestType = keyof PageToWorker;
export type PagePayload<K extends PageRequestType> = PageToWorker[K]['payload'];
export type PageResult<K extends PageRequestType> = PageToWorker[K]['result'];

/** The Drive and outbox commands (answered by src/messaging/drive-handlers.ts). */
export type DriveRequestType = Extract<PageRequestType, `drive.${string}` | `outbox.${string}`>;

export type ContentRequestType = keyof ContentToWorker;

/** The envelope every request travels in. */
export interface RequestMessage {
  type: string;
  payload: unknown;
}

export type ErrorCode =
  | 'forbidden-sender' // the sender may not send this type
  | 'unknown-type' // no such request type
  | 'bad-payload' // malformed request or payload
  | 'no-key' // the command needs a key and none is set up
  | 'no-pending-key' // confirm without a key being shown (e.g. the worker restarted)
  | 'key-exists' // setup while a key is set up (rotate first)
  | 'no-key-file' // the key file was asked for outside password mode
  | 'not-json' // a handler produced something that cannot cross the channel
  | 'internal'; // anything else

export interface WireError {
  code: ErrorCode | (string & Record<never, never>);
  message: string;
}

export type ResponseMessage<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };
