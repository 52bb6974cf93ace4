// The background worker: wiring only. The key service gets its real dependencies (IndexedDB,
// storage.session, settings), the router answers pages, upkeep keeps the toolbar badge and the
// key service's alarms in line with its state, and the first install opens the options page so
// setup starts at once. Listeners are registered synchronously, as MV3 requires.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { startCaptureSession } from '../src/backup/capture-session';
import { rememberTitle } from '../src/backup/titles';
import { CAPTURE_PORT } from '../src/capture/protocol';
import { CHAT_ORIGINS } from '../src/capture/origins';
import { discordAdapter } from '../src/capture/sites/discord';
import { telegramA } from '../src/capture/sites/telegram-a';
import { telegramK } from '../src/capture/sites/telegram-k';
import { whatsapp } from '../src/capture/sites/whatsapp';
import { createContentHandlers } from '../src/messaging/content-handlers';
import { isChatContentScript } from '../src/messaging/router';
import { KeyService } from '../src/keys/service';
import { browserSessionStore } from '../src/keys/session';
import { createUpkeep, type Upkeep } from '../src/keys/upkeep';
import { createPageHandlers } from '../src/messaging/page-handlers';
import { createRouter } from '../src/messaging/router';
import { openChatSealDb } from '../src/store/db';
import { getSettings, updateSettings, watchSettings } from '../src/store/settings';
import { Outbox } from '../src/backup/outbox';
import { titleOf } from '../src/backup/titles';
import { sha256Hex } from '../src/crypto/bytes';
import {
  browserAuthFlow,
  browserLocalArea,
  createPopupPresence,
  keepWorkerAlive,
  notifyFailure,
  openPopupForNotification,
  OUTBOX_ALARM,
  scheduleOutboxWake,
} from '../src/drive/browser-deps';
import { DriveConnection } from '../src/drive/connection';
import { UploadManager } from '../src/drive/manager';
import { createDriveHandlers } from '../src/messaging/drive-handlers';

export default defineBackground(() => {
  // Declared first so the key service can report changes to them; assigned before any can happen.
  let upkeep: Upkeep | undefined;
  let uploads: UploadManager | undefined;
  const keys = new KeyService({
    db: () => openChatSealDb(),
    session: browserSessionStore(),
    settings: getSettings,
    onChange: () => {
      void upkeep?.sync();
      void uploads?.syncKeyFiles().catch(() => undefined);
    },
  });
  upkeep = createUpkeep(keys);
  const sync = (why: string) =>
    void upkeep.sync().catch((error: unknown) => console.error(`ChatSeal: badge and alarms after ${why} failed:`, errorName(error)));

  // Google Drive: the connection (sign-in, tokens) and the upload manager working through the
  // outbox. Uploads resume at worker start, browser start and on the outbox alarm.
  const popups = createPopupPresence();
  const drive = new DriveConnection({
    clientId: import.meta.env.WXT_GOOGLE_CLIENT_ID,
    authFlow: browserAuthFlow(),
    fetch: (input, init) => fetch(input, init),
    session: browserSessionStore(),
    local: browserLocalArea(),
  });
  const db = () => openChatSealDb();
  uploads = new UploadManager({
    outbox: new Outbox(db),
    connection: drive,
    local: browserLocalArea(),
    titleOf,
    keyFiles: {
      keyFile: async () => {
        const [bytes, state] = await Promise.all([keys.getKeyFile(), keys.getKeyState()]);
        return bytes && state.keyId && state.createdAt ? { bytes, keyId: state.keyId, createdAt: state.createdAt } : null;
      },
      keyring: async () => {
        const [ring, state] = await Promise.all([(await db()).get('keyring', 'current'), keys.getKeyState()]);
        return ring && state.keyId ? { bytes: ring.file, keyId: state.keyId, createdAt: ring.updatedAt } : null;
      },
      keyIds: async () => {
        const state = await keys.getKeyState();
        return state.status === 'ready' && state.keyId ? { current: state.keyId, older: state.olderKeyIds } : { current: null, older: [] };
      },
    },
    sha256Hex,
    notify: notifyFailure,
    isPopupOpen: popups.isOpen,
    scheduleWake: scheduleOutboxWake,
    keepAlive: keepWorkerAlive,
  });
  const manager = uploads;
  const resumeUploads = (why: string) =>
    void manager.kick().catch((error: unknown) => console.error(`ChatSeal: uploads after ${why} failed:`, errorName(error)));
  browser.runtime.onConnect.addListener(popups.listener);
  browser.notifications.onClicked.addListener(openPopupForNotification);

  const router = createRouter(
    {
      page: { ...createPageHandlers({ keys, getSettings, updateSettings }), ...createDriveHandlers({ connection: drive, manager }) },
      content: createContentHandlers({
        keyReady: async () => (await keys.getKeyState()).status === 'ready',
        captureImages: async () => (await getSettings()).captureImages,
        historySince: async () => (await getSettings()).historySince,
        openOptions: () => browser.runtime.openOptionsPage(),
      }),
    },
    {
      extensionId: browser.runtime.id,
      extensionOrigin: browser.runtime.getURL('/'),
      chatOrigins: CHAT_ORIGINS,
      // Requests carry keys and passwords: log which command failed and why, never its payload.
      onInternalError: (type, error) => console.error(`ChatSeal: ${type} failed:`, errorName(error)),
    },
  );
  browser.runtime.onMessage.addListener(router.listener);

  // --- capture: one session per 'capture' port from a chat page's content script; the backup goes
  // to the outbox, its title to session memory. The keyboard shortcut asks the active tab to start.
  const finalizers = { whatsapp, 'telegram-k': telegramK, 'telegram-a': telegramA, discord: discordAdapter } as const;
  const outbox = new Outbox(db);
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== CAPTURE_PORT) return;
    if (!isChatContentScript(port.sender ?? {}, browser.runtime.id, CHAT_ORIGINS)) return port.disconnect();
    startCaptureSession(port, {
      getKey: () => keys.getBackupKey(),
      finalizer: (site) => {
        const adapter = Object.hasOwn(finalizers, site) ? finalizers[site] : undefined;
        return adapter ? (items, context) => adapter.finalize(items, context) : undefined;
      },
      save: async (backup) => {
        const item = await outbox.add({
          kind: 'backup',
          blob: backup.blob,
          sha256: backup.sha256,
          keyId: backup.keyId,
          createdAt: backup.createdAt,
          complete: backup.complete,
          messageCount: backup.messageCount,
        });
        await rememberTitle(item.id, backup.title);
        resumeUploads('a capture');
        return { destination: (await drive.isConnected()) ? 'uploading' : 'waiting-for-drive' };
      },
      appVersion: browser.runtime.getManifest().version,
      // Codes only: errors here may carry chat content in their messages.
      onError: (code) => console.error(`ChatSeal: capture failed: ${code}`),
    });
  });
  browser.commands.onCommand.addListener((command) => {
    if (command !== 'encrypted-export') return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      if (tab?.id === undefined) return;
      // A tab without ChatSeal's content script (not a chat site) simply does not answer.
      await browser.tabs.sendMessage(tab.id, { type: 'capture.start', payload: {} }).catch(() => undefined);
    });
  });
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
  // A listener here is also what starts the worker when the browser starts, so the badge is right
  // before any page is opened (the badge itself does not outlive the browser session).
  browser.runtime.onStartup.addListener(() => {
    sync('browser start');
    resumeUploads('browser start');
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) resumeUploads('the outbox alarm');
    else void upkeep.onAlarm(alarm).catch(() => sync('an alarm'));
  });
  watchSettings(() => sync('a settings change'));
  sync('worker start');
  resumeUploads('worker start');
});

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'error';
}
