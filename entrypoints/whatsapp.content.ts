// WhatsApp Web: the Encrypted export button and capture (src/capture/content.ts).
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startCaptureInPage } from '../src/capture/content';
import { whatsapp } from '../src/capture/sites/whatsapp';

export default defineContentScript({
  matches: ['https://web.whatsapp.com/*'],
  runAt: 'document_idle',
  main() {
    startCaptureInPage([whatsapp]);
  },
});
