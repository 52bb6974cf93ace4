import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { stripManifestKey } from './tools/manifest-key.mjs';

// The public half of an RSA key pair (the private half was discarded: nothing is signed with it).
// Chromium derives an unpacked extension's id from it, so every unpacked or development build has
// the id lnkaefdkfjahfdoadlheicdokmihjhnm and the Google OAuth redirect URL
// https://lnkaefdkfjahfdoadlheicdokmihjhnm.chromiumapp.org/ wherever it is loaded. The store
// rejects packages that carry a key: `wxt zip` removes it (hook below); the store assigns its own id.
const DEV_MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr9Vo1c9THmOs1/xl3nshmXqj0SIz5NbOfIRhtoA/JzgE37hc1iP3yNOboJH4LTgyXlKPeAnaY8Gi0idfpXnY4F3UPcydC3G2fmhNRjtfYFbMh26q/yKcoGLOR4c52Au0ZjhH6UevBSvRabQFfCtirbjnd10hE3t8cehQp0pAjaPmfxw9xEYhQAwDKQZ+86G33ZNwWvi2lNKTc/phywd1LtMKd4IGEcXuFPbVwGfW2QExzFSGuX85Lw8NNnLUoCZuFecrnMxog6i1ys6dcci6reeFzi1RVU3vyYbmWnSUsrs30Jk0uUh2TzSAVkFn8j/q8BVe6y4eaVz7bL+Et4GgMQIDAQAB';

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
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'identity', 'notifications'],
    ...(browser === 'firefox' ? {} : { key: DEV_MANIFEST_KEY }),
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    commands: {
      'encrypted-export': { suggested_key: { default: 'Alt+Shift+E' }, description: '__MSG_commandEncryptedExport__' },
    },
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
  hooks: {
    // Store packages must not carry `key`: drop it from the built manifest just before zipping.
    'zip:extension:start': async (wxt) => {
      await stripManifestKey(wxt.config.outDir);
    },
  },
});
