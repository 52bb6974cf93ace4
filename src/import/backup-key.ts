// The key a backup is made with, for the import page. The worker answers with the recipient and
// key id; the MAC key is a non-extractable CryptoKey, which no message can carry, so the page reads
// it from IndexedDB itself (same extension origin, same database as the worker's).
import type { BackupKey } from '../backup/writer';
import { callWorker } from '../messaging/client';
import type { BackupKeyView } from '../messaging/protocol';
import { openChatSealDb } from '../store/db';

export type BackupKeyProblem = 'no-key' | 'mac-key-missing' | 'key-changed';

export class BackupKeyUnavailableError extends Error {
  override readonly name = 'BackupKeyUnavailableError';
  constructor(
    readonly problem: BackupKeyProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The stored MAC key of the current key, checked against the key id the worker named. */
export async function readMacKey(keyId: string): Promise<CryptoKey> {
  const db = await openChatSealDb();
  try {
    const record = await db.get('keys', 'current');
    if (!record) throw new BackupKeyUnavailableError('mac-key-missing', 'no key record in IndexedDB');
    // A rotation between the two reads would pair one key's recipient with another's MAC key.
    if (record.keyId !== keyId) throw new BackupKeyUnavailableError('key-changed', 'the key changed while loading it');
    return record.macKey;
  } finally {
    db.close();
  }
}

export async function loadBackupKey(
  getView: () => Promise<BackupKeyView | null> = () => callWorker('backup.getKey', {}),
  getMacKey: (keyId: string) => Promise<CryptoKey> = readMacKey,
): Promise<BackupKey> {
  const view = await getView();
  if (!view) throw new BackupKeyUnavailableError('no-key', 'no backup key is set up');
  const macKey = await getMacKey(view.keyId);
  return { recipient: view.recipient, keyId: view.keyId, macKey };
}
