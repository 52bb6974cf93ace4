import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Entrypoints live at the top level (entrypoints/), logic in src/. See docs/ARCHITECTURE.md.
// Every permission is justified in docs/PERMISSIONS.md; add one there before adding it here.
export default defineConfig({
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/webextension-polyfill'],
  imports: false,
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'unlimitedStorage', 'alarms'],
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    action: {
      default_title: '__MSG_extName__',
      default_icon: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'chatseal@chatseal.app',
              // 140 (an ESR) is the first release that reads data_collection_permissions; MV3,
              // storage.session and promise-returning onMessage are all older than that.
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
