// Types of the local Google Drive (tools/drive-emulator/index.mjs). See docs/DRIVE-EMULATOR.md.

export const DEFAULT_CLIENT_ID: 'chatseal-local-test.apps.googleusercontent.com';

export interface DriveEmulatorOptions {
  /** Where files, upload sessions, tokens and consents are kept; reuse it to keep them across restarts. */
  dir: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /** HTTPS with the test certificate (tools/tls), default true; false: plain http for Node tests. */
  tls?: boolean;
  /** OAuth client ids the authorize page accepts; default ['chatseal-local-test.apps.googleusercontent.com']. */
  clientIds?: string[];
  /** The signed-in Google account; default maya@example.com / Maya Example. */
  account?: { email: string; name: string };
  /** The account's storage quota in bytes (default 15 GiB). */
  quotaBytes?: number;
  /** expires_in of issued tokens, default 3599. */
  tokenLifetimeSeconds?: number;
  /** The app name the consent page shows, default 'ChatSeal'. */
  appName?: string;
}

export interface FaultMatch {
  method?: string;
  /** Matches the URL path, e.g. '/upload/drive/v3/files' or '/drive/v3/files'. */
  pathPrefix?: string;
  /** Matches the Host header, e.g. 'www.googleapis.com'. */
  host?: string;
  /** true: only requests that carry bytes of a resumable upload (chunks); false: anything else. */
  upload?: boolean;
  /** true: only resumable status queries (Content-Range: bytes *\/N); false: anything else. */
  statusQuery?: boolean;
  /** Only session requests whose upload has at least this many bytes kept. */
  afterBytes?: number;
}

export type FaultAction =
  | { status: number; reason?: string; message?: string; retryAfter?: number; html?: boolean }
  /** A chunk: the connection drops after K request bytes (Drive keeps them rounded down to 256 KiB);
   * any other request: after K response bytes. */
  | { cutAfterBytes: number }
  /** A chunk is received whole but only its first K bytes are kept (308 says so). */
  | { keepBytes: number };

export interface FaultSpec {
  match?: FaultMatch;
  action: FaultAction;
  /** How many matching requests it hits, default 1 (Infinity allowed in-process). */
  times?: number;
}

export interface LogEntry {
  seq: number;
  time: string;
  method: string;
  host: string;
  path: string;
  /** Query parameters (access_token and token redacted). */
  query: Record<string, string>;
  /** 0 when no answer was sent (the connection was cut). */
  status: number;
  contentRange: string | null;
  /** The Range header of a download. */
  range: string | null;
  bytesReceived: number;
  /** Bytes of a chunk the upload kept; null for requests that are not chunks. */
  bytesKept: number | null;
  /** A resumable status query (Content-Range: bytes *\/N). */
  statusQuery: boolean;
  uploadId: string | null;
  clientId: string | null;
  /** The injected fault that hit this request, e.g. 'f1: status 503'. */
  fault: string | null;
  cut: boolean;
  durationMs: number;
}

export interface UploadStats {
  uploadId: string;
  /** Requests that carried bytes (a whole-body PUT counts as one). */
  chunks: number;
  statusQueries: number;
  bytesReceived: number;
  bytesKept: number;
  /** Bytes that arrived for a range of the upload that had already arrived before. */
  bytesResent: number;
  /** The injected faults that hit this session's requests. */
  faults: string[];
  completed: boolean;
}

export interface AdminFile {
  id: string;
  name: string;
  /** Folder names and the file name, e.g. 'ChatSeal Backups/ChatSeal-2026-11-26-k3f9.age'. */
  path: string;
  mimeType: string;
  parents: string[];
  size: number | null;
  md5Checksum: string | null;
  sha256Checksum: string | null;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  owner: string;
  clientId: string;
}

export interface AdminUpload {
  uploadId: string;
  owner: string;
  clientId: string;
  metadata: Record<string, unknown>;
  targetFileId: string | null;
  total: number | null;
  offset: number;
  createdAt: number;
  expiresAt: number;
  resultFileId: string | null;
}

export interface Quota {
  limitBytes: number;
  usageBytes: number;
  extraUsedBytes: number;
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: number;
  scope: string;
  clientId: string;
  email: string;
}

export interface DriveEmulatorAdmin {
  addFault(spec: FaultSpec): string;
  faults(): Array<{ id: string; match: FaultMatch; action: FaultAction; remaining: number | 'Infinity'; hits: number }>;
  clearFaults(): void;
  /** Every token issued so far is expired (401 from now on; prompt=none still renews). */
  expireTokens(): void;
  /** A live token without the browser flow (defaults: the current account, the first client id, drive.file). */
  issueToken(o?: { clientId?: string; email?: string; scopes?: string[]; expiresIn?: number }): IssuedToken;
  /** Consent as if Allow had been clicked, so prompt=none succeeds. */
  grantConsent(o?: { clientId?: string; email?: string; scopes?: string[] }): void;
  forgetConsents(): void;
  account(): { email: string; name: string };
  /** The account the consent page signs in as from now on. */
  setAccount(a: { email: string; name: string }): { email: string; name: string };
  quota(): Quota;
  /** limitBytes: the quota; usedBytes: bytes counted as used besides the account's files. */
  setQuota(o: { limitBytes?: number; usedBytes?: number }): Quota;
  /** Usage = limit: uploads get 403 storageQuotaExceeded. */
  fillQuota(): Quota;
  /** Only the account's files count as used again. */
  freeQuota(): Quota;
  network(): { bytesPerSecond: number | null; latencyMs: number };
  /** bytesPerSecond throttles reading upload chunks (null: full speed); latencyMs delays every answer. */
  setNetwork(o: { bytesPerSecond?: number | null; latencyMs?: number }): { bytesPerSecond: number | null; latencyMs: number };
  log(): LogEntry[];
  /** Per resumable session, read off the log (the fault matrix's "a status query, at most one chunk re-sent"). */
  uploadStats(): UploadStats[];
  clearLog(): void;
  files(): AdminFile[];
  fileContent(id: string): Buffer;
  uploads(): AdminUpload[];
  /** Every resumable session is forgotten (404 on its URI from now on). */
  expireUploads(): void;
  /** No files, sessions, tokens, consents, faults, log; the account and quota from the options. */
  reset(): void;
}

export interface DriveEmulator {
  port: number;
  /** https://127.0.0.1:PORT (or http:// with tls: false): every endpoint and /__admin/ answer here. */
  url: string;
  /** For launchExtension({ hostMap }): Google's hostnames mapped to this port. */
  hostMap: { 'www.googleapis.com': number; 'accounts.google.com': number; 'oauth2.googleapis.com': number };
  admin: DriveEmulatorAdmin;
  close(): Promise<void>;
}

export function startDriveEmulator(options: DriveEmulatorOptions): Promise<DriveEmulator>;
