#!/usr/bin/env node
// Runs the local Google Drive until interrupted:
//   node tools/drive-emulator/cli.mjs --dir DIR [--port P] [--no-tls] [--client-id ID]...
//     [--email E --name N] [--quota BYTES]
import { parseArgs } from 'node:util';
import { startDriveEmulator } from './index.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'no-tls': { type: 'boolean', default: false },
    'client-id': { type: 'string', multiple: true },
    email: { type: 'string' },
    name: { type: 'string' },
    quota: { type: 'string' },
  },
});
if (!values.dir) {
  console.error('usage: node tools/drive-emulator/cli.mjs --dir DIR [--port P] [--no-tls] [--client-id ID]... [--email E --name N] [--quota BYTES]');
  process.exit(2);
}
const emu = await startDriveEmulator({
  dir: values.dir,
  port: Number(values.port),
  host: values.host,
  tls: !values['no-tls'],
  ...(values['client-id'] ? { clientIds: values['client-id'] } : {}),
  ...(values.email ? { account: { email: values.email, name: values.name ?? values.email } } : {}),
  ...(values.quota ? { quotaBytes: Number(values.quota) } : {}),
});
// One JSON line first, so a parent process can read the port.
console.log(JSON.stringify({ port: emu.port, url: emu.url, hostMap: emu.hostMap, dir: values.dir }));
const stop = async () => {
  await emu.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
