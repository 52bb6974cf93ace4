import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripManifestKey } from '../../tools/manifest-key.mjs';
import config from '../../wxt.config';

describe('the manifest key', () => {
  it('is in Chromium builds (a fixed id for the OAuth redirect) and not in Firefox builds', async () => {
    const manifest = config.manifest as (env: { browser: string }) => Record<string, unknown>;
    const chrome = manifest({ browser: 'chrome' });
    expect(chrome.key).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[A-Za-z0-9+/]+={0,2}$/u);
    expect(manifest({ browser: 'firefox' })).not.toHaveProperty('key');
    expect(chrome.permissions).toEqual(expect.arrayContaining(['identity', 'notifications']));
  });

  it('the public key gives the extension id the README and the OAuth redirect name', async () => {
    const { createHash } = await import('node:crypto');
    const manifest = config.manifest as (env: { browser: string }) => Record<string, unknown>;
    const der = Buffer.from(manifest({ browser: 'chrome' }).key as string, 'base64');
    const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
    expect(id).toBe('lnkaefdkfjahfdoadlheicdokmihjhnm');
  });

  it('is removed from the built manifest before wxt zip packs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chatseal-zip-'));
    try {
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'ChatSeal', key: 'MIIB…', permissions: ['storage'] }));
      expect(await stripManifestKey(dir)).toBe(true);
      expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toEqual({ name: 'ChatSeal', permissions: ['storage'] });
      expect(await stripManifestKey(dir)).toBe(false);
      expect(typeof (config.hooks as Record<string, unknown> | undefined)?.['zip:extension:start']).toBe('function');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
