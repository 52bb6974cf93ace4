// Backup file names carry the date and a random id, never anything from the chat (its title is
// plaintext a file listing would leak): ChatSeal-2026-11-26-k3f9x2m7qa.age
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const RANDOM_ID_LENGTH = 10;

export function randomFileId(length = RANDOM_ID_LENGTH): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // 256 is a multiple of 32, so taking the low five bits is uniform.
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
}

/** The local calendar day, as the user would name it. */
function localDay(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function backupFileName(date: Date, id = randomFileId()): string {
  return `ChatSeal-${localDay(date)}-${id}.age`;
}

export const BACKUP_FILE_NAME = /^ChatSeal-\d{4}-\d{2}-\d{2}-[a-z2-7]{10}\.age$/u;
