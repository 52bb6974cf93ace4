// The test certificate as { cert, key } for node:https / node:tls servers (see README.md).
import { readFileSync } from 'node:fs';

const here = new URL('./', import.meta.url);
export const testTls = {
  cert: readFileSync(new URL('cert.pem', here)),
  key: readFileSync(new URL('key.pem', here)),
};
