import { describe, expect, it } from 'vitest';
import { appPropertiesFor, driveFileName, factsOf, uploadMetadata } from '../../src/drive/names';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';

const facts = { kind: 'backup' as const, keyId: '0123456789abcdef', createdAt: '2026-11-26T10:15:03.000Z' };

describe('Drive names and appProperties', () => {
  it('names a backup by its day and a random id, nothing from the chat', () => {
    const name = driveFileName(facts);
    expect(name).toMatch(BACKUP_FILE_NAME);
    const day = new Date(facts.createdAt);
    const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    expect(name.startsWith(`ChatSeal-${ymd}-`)).toBe(true);
    expect(driveFileName(facts)).not.toBe(name);
  });

  it('names the key file and the keyring by key id', () => {
    expect(driveFileName({ ...facts, kind: 'key-file' })).toBe('ChatSeal-key-file-0123456789abcdef.age');
    expect(driveFileName({ ...facts, kind: 'keyring' })).toBe('ChatSeal-keyring-0123456789abcdef.age');
  });

  it('puts exactly kind, key id, format version and creation time in appProperties', () => {
    expect(appPropertiesFor(facts)).toEqual({
      chatsealKind: 'backup',
      keyId: '0123456789abcdef',
      formatVersion: '1',
      createdAt: '2026-11-26T10:15:03.000Z',
    });
  });

  it('builds upload metadata in the folder, and reads the facts back', () => {
    const meta = uploadMetadata(facts, 'folder-1', 'ChatSeal-2026-11-26-abcdefghij.age');
    expect(meta).toEqual({
      name: 'ChatSeal-2026-11-26-abcdefghij.age',
      parents: ['folder-1'],
      mimeType: 'application/octet-stream',
      appProperties: appPropertiesFor(facts),
    });
    expect(factsOf(meta)).toEqual({ ...facts, formatVersion: '1' });
    expect(factsOf({})).toBeUndefined();
    expect(factsOf({ appProperties: { chatsealKind: 'photo', keyId: 'x', createdAt: 'y', formatVersion: '1' } })).toBeUndefined();
  });
});
