import { describe, expect, it } from 'vitest';
import { BACKUP_FILE_NAME, backupFileName, randomFileId } from '../../src/import/file-name';

describe('backup file names', () => {
  it('carry the local date and a random id, nothing else', () => {
    expect(backupFileName(new Date(2026, 10, 26, 23, 59), 'k3f9x2m7qa')).toBe('ChatSeal-2026-11-26-k3f9x2m7qa.age');
    expect(backupFileName(new Date(2027, 0, 5))).toMatch(BACKUP_FILE_NAME);
  });

  it('use ten characters of a-z and 2-7, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomFileId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{10}$/);
    // Every symbol of the alphabet turns up: no bias that leaves some out.
    expect(new Set([...ids].join('')).size).toBe(32);
  });
});
