// What verify and decrypt print about a backup that checked out: from the authenticated manifest
// and the entries the reader observed, nothing else.
import type { VerifiedBackup } from '../backup/reader';

export interface BackupSummary {
  keyId: string | null;
  keyType: string;
  createdAt: string;
  app: string;
  site: string;
  title: string;
  chatId: string | null;
  messages: number;
  media: number;
  entries: { name: string; size: number; sha256: string }[];
  fileSize: number;
  complete: boolean;
}

export function summarize(v: VerifiedBackup): BackupSummary {
  const m = v.manifest;
  return {
    keyId: v.keyId,
    keyType: v.keyType,
    createdAt: m.createdAt,
    app: `${m.app.name} ${m.app.version}`,
    site: m.source.site,
    title: m.chat.title,
    chatId: m.chat.id,
    messages: m.messages.count,
    media: m.entries.filter((e) => e.name.startsWith('media/')).length,
    entries: v.entries.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
    fileSize: v.fileSize,
    complete: m.capture.reachedStart,
  };
}

const number = new Intl.NumberFormat('en');

function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatSummary(s: BackupSummary): string {
  const rows: [string, string][] = [
    ['key id', `${s.keyId ?? '(none in file)'} (${s.keyType === 'pq' ? 'post-quantum' : 'classic'})`],
    ['created', s.createdAt],
    ['made by', s.app],
    ['site', s.site],
    ['chat', JSON.stringify(s.title)],
    ['messages', number.format(s.messages)],
    ['entries', `${s.entries.length} (${s.media} media), ${bytes(s.fileSize)} file`],
    ['complete', s.complete ? 'yes (reaches the start of the chat)' : 'no (the capture stopped before the start of the chat)'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

export function printSummary(v: VerifiedBackup, how: { json: boolean; heading?: string }): void {
  const s = summarize(v);
  if (how.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${how.heading ?? 'Backup verified.'}\n${formatSummary(s)}\n`);
}
