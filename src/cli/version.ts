// The version printed by --version and recorded as the app version of backups the CLI makes.
// tools/build-cli.mjs defines it from package.json; unbundled (tests importing modules), 'dev'.
declare const __CHATSEAL_VERSION__: string | undefined;

export const VERSION: string = typeof __CHATSEAL_VERSION__ === 'string' ? __CHATSEAL_VERSION__ : 'dev';
