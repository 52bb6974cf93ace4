import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Entrypoints live at the top level (entrypoints/), logic in src/. See docs/ARCHITECTURE.md.
export default defineConfig({
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/webextension-polyfill'],
  imports: false,
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: () => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'unlimitedStorage', 'downloads'],
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
  }),
});
