// Telegram Web K and A share web.telegram.org: the adapter is picked by path (/k/ or /a/).
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startCaptureInPage } from '../src/capture/content';
import { telegramA } from '../src/capture/sites/telegram-a';
import { telegramK } from '../src/capture/sites/telegram-k';

export default defineContentScript({
  matches: ['https://web.telegram.org/*'],
  runAt: 'document_idle',
  main() {
    startCaptureInPage([telegramK, telegramA]);
  },
});
