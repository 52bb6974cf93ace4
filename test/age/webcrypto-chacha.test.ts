// WebCrypto's ChaCha20-Poly1305 exists in Chromium but not in Node 20, so this test runs the age
// layer in Debian's Chromium (headless, a page served as http://localhost/ so that it is a secure
// context, no extension): the extension's default
// cipher there must be WebCrypto's, and it must seal, open and refuse exactly as @noble/ciphers
// does, chunk by chunk and for whole files either way round.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Runs in the page: every comparison, returning what differed (empty when all agree).
const HARNESS = `
import { detectChaCha20Poly1305, defaultCipherName, nobleChaCha20Poly1305, webCryptoChaCha20Poly1305 } from './src/age/primitives';
import { PayloadSealer } from './src/age/stream';
import { encryptAgeBytes, encryptAgeStream } from './src/age/encrypt';
import { decryptAgeBytes } from './src/age/gate';

const IDENTITY = 'AGE-SECRET-KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWG';
const RECIPIENT = 'age13aqvttdk3ujkyjh9kg2w5an6dmy5mq5a84a4uxk3hfhnugfc9p0sy5p2wh';
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const rand = (n) => { const b = new Uint8Array(n); for (let o = 0; o < n; o += 65536) crypto.getRandomValues(b.subarray(o, Math.min(n, o + 65536))); return b; };

async function sealAll(factory, key, plain, piece) {
  const out = [];
  const sealer = new PayloadSealer(await factory(key), async (c) => void out.push(hex(c)));
  for (let o = 0; o < plain.length; o += piece) await sealer.update(plain.subarray(o, o + piece));
  await sealer.final();
  return out.join('');
}

globalThis.compareCiphers = async () => {
  const problems = [];
  const web = webCryptoChaCha20Poly1305();
  const name = await defaultCipherName();
  if (name !== 'webcrypto') problems.push('default cipher is ' + name);
  if ((await detectChaCha20Poly1305()) === nobleChaCha20Poly1305) problems.push('detection chose noble');
  for (const size of [0, 1, 15, 16, 17, 1000, 65535, 65536]) {
    const key = rand(32), nonce = rand(12), plain = rand(size);
    const a = await nobleChaCha20Poly1305(key), b = await web(key);
    const sa = await a.seal(nonce, plain), sb = await b.seal(nonce, plain);
    if (hex(sa) !== hex(sb)) problems.push('seal differs at ' + size);
    const ob = await b.open(nonce, sa);
    if (ob === null || hex(ob) !== hex(plain)) problems.push('webcrypto does not open noble at ' + size);
    const bad = sa.slice(); bad[bad.length - 1] ^= 1;
    if ((await b.open(nonce, bad)) !== null) problems.push('webcrypto opened a tampered chunk at ' + size);
    const wrongNonce = nonce.slice(); wrongNonce[11] ^= 1;
    if ((await b.open(wrongNonce, sa)) !== null) problems.push('webcrypto opened under another nonce at ' + size);
  }
  for (const [size, piece] of [[0, 1], [65536, 65536], [65537, 1000], [200000, 70000], [3 * 65536, 65536]]) {
    const key = rand(32), plain = rand(size);
    if ((await sealAll(web, key, plain, piece)) !== (await sealAll(nobleChaCha20Poly1305, key, plain, piece))) problems.push('STREAM differs at ' + size);
  }
  const plain = rand(300000);
  const reference = await encryptAgeBytes(plain, { recipients: [RECIPIENT] });
  const opened = await decryptAgeBytes(reference, { identities: [IDENTITY] });
  if (hex(opened) !== hex(plain)) problems.push('default cipher does not open an age-encryption file');
  const ours = new Uint8Array(await new Response(await encryptAgeStream(new Blob([plain]).stream(), { recipients: [RECIPIENT] })).arrayBuffer());
  const back = await decryptAgeBytes(ours, { identities: [IDENTITY], cipher: nobleChaCha20Poly1305 });
  if (hex(back) !== hex(plain)) problems.push('noble does not open a file sealed with the default cipher');
  return problems;
};
`;

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

describe('WebCrypto ChaCha20-Poly1305 in Chromium', () => {
  it('is the default there and gives the same bytes as @noble/ciphers', async () => {
    const bundle = await build({
      stdin: { contents: HARNESS, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const page = await browser.newPage();
    await page.route('http://localhost/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>age layer</title>' }));
    await page.goto('http://localhost/');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const problems = await page.evaluate(() => (globalThis as unknown as { compareCiphers: () => Promise<string[]> }).compareCiphers());
    expect(problems).toEqual([]);
  });

  it('frees its outputs at once when they are released (ArrayBuffer transfer)', async () => {
    const harness = `
import { webCryptoChaCha20Poly1305 } from './src/age/primitives';
globalThis.releaseOutputs = async () => {
  const cipher = await webCryptoChaCha20Poly1305()(new Uint8Array(32).fill(1));
  const nonce = new Uint8Array(12);
  const sealed = await cipher.seal(nonce, new Uint8Array(65536));
  const opened = await cipher.open(nonce, sealed);
  const before = [sealed.byteLength, opened.byteLength];
  cipher.release(opened);
  cipher.release(sealed);
  return { before, after: [sealed.byteLength, opened.byteLength, sealed.buffer.detached, opened.buffer.detached] };
};
`;
    const bundle = await build({
      stdin: { contents: harness, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const page = await browser.newPage();
    await page.route('http://localhost/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>release</title>' }));
    await page.goto('http://localhost/');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const result = await page.evaluate(() => (globalThis as unknown as { releaseOutputs: () => Promise<unknown> }).releaseOutputs());
    // Detached: the memory went back at once, not when the collector runs.
    expect(result).toEqual({ before: [65552, 65536], after: [0, 0, true, true] });
  });
});
