// Discord: the Encrypted export button and capture (src/capture/content.ts).
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startCaptureInPage } from '../src/capture/content';
import { discordAdapter } from '../src/capture/sites/discord';

export default defineContentScript({
  matches: ['https://discord.com/*'],
  runAt: 'document_idle',
  main() {
    startCaptureInPage([discordAdapter]);
  },
});
