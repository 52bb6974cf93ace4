// What Drive learns about a file: an opaque dated name and four appProperties (kind, key id,
// format version, creation time). Never anything from the chat: Drive, and anyone who can see the
// user's Drive, sees these in clear.
import { backupFileName } from '../import/file-name';
import type { DriveFile } from './client';
import type { UploadMetadata } from './upload';

export type ChatSealFileKind = 'backup' | 'key-file' | 'keyring';
const KINDS: ReadonlySet<string> = new Set<ChatSealFileKind>(['backup', 'key-file', 'keyring']);

/** The backup format's version as appProperties carry it (docs/FORMAT.md: chatseal-backup/1). */
export const FORMAT_VERSION = '1';

export interface ChatSealFileFacts {
  kind: ChatSealFileKind;
  keyId: string;
  /** ISO 8601 time the file was made. */
  createdAt: string;
}

export function appPropertiesFor(facts: ChatSealFileFacts): Record<string, string> {
  return { chatsealKind: facts.kind, keyId: facts.keyId, formatVersion: FORMAT_VERSION, createdAt: facts.createdAt };
}

/** A file's appProperties read back; undefined for files that are not ChatSeal's. */
export function factsOf(file: Pick<DriveFile, 'appProperties'>): (ChatSealFileFacts & { formatVersion: string }) | undefined {
  const p = file.appProperties;
  if (p === undefined) return undefined;
  const { chatsealKind: kind, keyId, createdAt, formatVersion } = p;
  if (kind === undefined || !KINDS.has(kind) || keyId === undefined || createdAt === undefined || formatVersion === undefined) return undefined;
  return { kind: kind as ChatSealFileKind, keyId, createdAt, formatVersion };
}

/**
 * The name in Drive: backups `ChatSeal-YYYY-MM-DD-<random>.age` (the day the backup was made, the
 * same name a saved file gets); the key file and the keyring by key id, which appProperties show
 * anyway.
 */
export function driveFileName(facts: ChatSealFileFacts): string {
  switch (facts.kind) {
    case 'backup':
      return backupFileName(new Date(facts.createdAt));
    case 'key-file':
      return `ChatSeal-key-file-${facts.keyId}.age`;
    case 'keyring':
      return `ChatSeal-keyring-${facts.keyId}.age`;
  }
}

/** Metadata for files.create: in the folder, opaque bytes, our appProperties. */
export function uploadMetadata(facts: ChatSealFileFacts, folderId: string, fileName: string = driveFileName(facts)): UploadMetadata {
  return { name: fileName, parents: [folderId], mimeType: 'application/octet-stream', appProperties: appPropertiesFor(facts) };
}
