// The background worker: wiring only. The key service gets its real dependencies (IndexedDB,
// storage.session, settings), the router answers pages, upkeep keeps the toolbar badge and the
// key service's alarms in line with its state, and the first install opens the options page so
// setup starts at once. Listeners are registered synchronously, as MV3 requires.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { KeyService } from '../src/keys/service';
import { browserSessionStore } from '../src/keys/session';
import { createUpkeep, type Upkeep } from '../src/keys/upkeep';
import { createPageHandlers } from '../src/messaging/page-handlers';
import { createRouter } from '../src/messaging/router';
import { openChatSealDb } from '../src/store/db';
import { getSettings, updateSettings, watchSettings } from '../src/store/settings';

export default defineBackground(() => {
  // Declared first so the key service can report changes to it; assigned before any can happen.
  let upkeep: Upkeep | undefined;
  const keys = new KeyService({
    db: () => openChatSealDb(),
    session: browserSessionStore(),
    settings: getSettings,
    onChange: () => upkeep?.sync(),
  });
  upkeep = createUpkeep(keys);
  const sync = (why: string) =>
    void upkeep.sync().catch((error: unknown) => console.error(`ChatSeal: badge and alarms after ${why} failed:`, errorName(error)));

  const router = createRouter(
    { page: createPageHandlers({ keys, getSettings, updateSettings }) },
    {
      extensionId: browser.runtime.id,
      extensionOrigin: browser.runtime.getURL('/'),
      // Requests carry keys and passwords: log which command failed and why, never its payload.
      onInternalError: (type, error) => console.error(`ChatSeal: ${type} failed:`, errorName(error)),
    },
  );
  browser.runtime.onMessage.addListener(router.listener);
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
  // A listener here is also what starts the worker when the browser starts, so the badge is right
  // before any page is opened (the badge itself does not outlive the browser session).
  browser.runtime.onStartup.addListener(() => sync('browser start'));
  browser.alarms.onAlarm.addListener((alarm) => void upkeep.onAlarm(alarm).catch(() => sync('an alarm')));
  watchSettings(() => sync('a settings change'));
  sync('worker start');
});

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'error';
}
