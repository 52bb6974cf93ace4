import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

describe('test environment', () => {
  it('has IndexedDB and WebCrypto', async () => {
    expect(typeof indexedDB.open).toBe('function');
    const d = await crypto.subtle.digest('SHA-256', new Uint8Array([1]));
    expect(d.byteLength).toBe(32);
    expect(fakeBrowser.runtime.id).toBeTruthy();
  });
});
