// The background worker: wiring only. The key service gets its real dependencies (IndexedDB,
// storage.session, settings), the router answers pages, and the first install opens the options
// page so setup starts at once. Listeners are registered synchronously, as MV3 requires.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { KeyService } from '../src/keys/service';
import { browserSessionStore } from '../src/keys/session';
import { createPageHandlers } from '../src/messaging/page-handlers';
import { createRouter } from '../src/messaging/router';
import { openChatSealDb } from '../src/store/db';
import { getSettings, updateSettings } from '../src/store/settings';

export default defineBackground(() => {
  const keys = new KeyService({ db: () => openChatSealDb(), session: browserSessionStore(), settings: getSettings });
  const router = createRouter(
    { page: createPageHandlers({ keys, getSettings, updateSettings }) },
    {
      extensionId: browser.runtime.id,
      extensionOrigin: browser.runtime.getURL('/'),
      // Requests carry keys and passwords: log which command failed and why, never its payload.
      onInternalError: (type, error) =>
        console.error(`ChatSeal: ${type} failed:`, error instanceof Error ? `${error.name}: ${error.message}` : 'error'),
    },
  );
  browser.runtime.onMessage.addListener(router.listener);
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
});
