import { afterEach, describe, expect, it } from 'vitest';
import { BackupKeyUnavailableError, loadBackupKey, readMacKey } from '../../src/import/backup-key';
import { clearKeys, storeTestKey } from './helpers';

afterEach(clearKeys);

describe('loadBackupKey', () => {
  it('pairs the worker’s recipient and key id with the MAC key read from IndexedDB', async () => {
    const record = await storeTestKey();
    const key = await loadBackupKey(async () => ({ recipient: record.recipient, keyId: record.keyId }));
    expect(key.recipient).toBe(record.recipient);
    expect(key.keyId).toBe(record.keyId);
    expect(key.macKey).toBeInstanceOf(CryptoKey);
    expect(key.macKey.extractable).toBe(false);
    expect(key.macKey.algorithm).toMatchObject({ name: 'HMAC' });
  });

  it('says no-key when the worker has no key', async () => {
    const error = await loadBackupKey(async () => null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupKeyUnavailableError);
    expect((error as BackupKeyUnavailableError).problem).toBe('no-key');
  });

  it('refuses a MAC key of another key (a rotation between the two reads)', async () => {
    const record = await storeTestKey();
    const error = await loadBackupKey(async () => ({ recipient: record.recipient, keyId: 'ffffffffffffffff' })).catch((e: unknown) => e);
    expect((error as BackupKeyUnavailableError).problem).toBe('key-changed');
  });

  it('says mac-key-missing when IndexedDB holds no key record', async () => {
    const error = await readMacKey('0123456789abcdef').catch((e: unknown) => e);
    expect((error as BackupKeyUnavailableError).problem).toBe('mac-key-missing');
  });
});
