// What went wrong talking to Google Drive, decided from the HTTP status and the `reason` of
// Google's error JSON (never from message text), and whether waiting and trying again can help.
// The outbox shows `kind` in plain words and retries only what is `retryable`.

export type DriveErrorKind =
  /** 429, or 403 rateLimitExceeded / userRateLimitExceeded: wait and try again. */
  | 'rate-limited'
  /** 5xx (or 408): Google's side failed; try again. */
  | 'server'
  /** The request never got an answer (offline, connection cut, DNS). */
  | 'network'
  /** 401 after one token refresh, or no token can be had: the user must sign in again. */
  | 'auth'
  /** 403 storageQuotaExceeded: Drive is full. */
  | 'quota'
  /** Any other 403 (insufficientPermissions, appNotAuthorizedToFile, …). */
  | 'forbidden'
  /** 400 and the other 4xx we do not know: our request is wrong; repeating it will not help. */
  | 'bad-request'
  /** 404 on a file. */
  | 'not-found'
  /** The resumable upload session is gone (404/410 on the session URL): start the upload again. */
  | 'session-lost'
  /** Drive's sha256Checksum of the uploaded file is not the SHA-256 of the bytes we meant to send. */
  | 'checksum-mismatch';

const RETRYABLE: ReadonlySet<DriveErrorKind> = new Set(['rate-limited', 'server', 'network']);

export interface DriveErrorDetails {
  /** HTTP status, when there was a response. */
  status?: number;
  /** Google's `error.errors[0].reason` (e.g. 'storageQuotaExceeded'). */
  reason?: string;
  /** Retry-After from the response, in milliseconds. */
  retryAfterMs?: number;
  /** The file involved (checksum-mismatch: the file Drive stored, already deleted when possible). */
  fileId?: string;
  /** A 401 after which the token was refreshed but the request not sent again (upload chunks). */
  tokenRefreshed?: boolean;
  cause?: unknown;
}

export class DriveError extends Error {
  override readonly name = 'DriveError';
  readonly status?: number;
  readonly reason?: string;
  readonly retryAfterMs?: number;
  readonly fileId?: string;
  readonly tokenRefreshed?: boolean;

  constructor(
    readonly kind: DriveErrorKind,
    message: string,
    details: DriveErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.status !== undefined) this.status = details.status;
    if (details.reason !== undefined) this.reason = details.reason;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.fileId !== undefined) this.fileId = details.fileId;
    if (details.tokenRefreshed === true) this.tokenRefreshed = true;
  }

  /** Whether the same request may succeed later without anything changing on our side. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const QUOTA_REASONS = new Set(['storageQuotaExceeded', 'quotaExceeded']);

/** The kind for a status and Google reason; `onSession` marks requests to a resumable session URL. */
export function classifyStatus(status: number, reason: string | undefined, onSession = false): DriveErrorKind {
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408) return 'server';
  if (status === 401) return 'auth';
  if (status === 403) {
    if (reason !== undefined && RATE_LIMIT_REASONS.has(reason)) return 'rate-limited';
    if (reason !== undefined && QUOTA_REASONS.has(reason)) return 'quota';
    return 'forbidden';
  }
  if (onSession && (status === 404 || status === 410)) return 'session-lost';
  if (status === 404) return 'not-found';
  return 'bad-request';
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string; message?: string }[]; status?: string };
}

/** Google's `Retry-After`: delta seconds or an HTTP date. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads a failed response's body (Google's error JSON when it is one) into a DriveError. */
export async function driveErrorFromResponse(
  response: Response,
  what: string,
  options: { onSession?: boolean; now?: number } = {},
): Promise<DriveError> {
  let reason: string | undefined;
  let message: string | undefined;
  try {
    const text = await response.text();
    const body = JSON.parse(text) as GoogleErrorBody;
    reason = body.error?.errors?.[0]?.reason ?? body.error?.status;
    message = body.error?.message ?? body.error?.errors?.[0]?.message;
  } catch {
    // Not JSON (a proxy's page, an empty 5xx): the status decides alone.
  }
  const kind = classifyStatus(response.status, reason, options.onSession);
  const details: DriveErrorDetails = { status: response.status };
  if (reason !== undefined) details.reason = reason;
  const after = retryAfterMs(response.headers.get('Retry-After'), options.now ?? Date.now());
  if (after !== undefined) details.retryAfterMs = after;
  const said = message === undefined ? '' : `: ${message}`;
  return new DriveError(kind, `${what} failed with HTTP ${response.status}${reason === undefined ? '' : ` (${reason})`}${said}`, details);
}

/** A fetch that rejected (not an abort): the network, not Drive, failed. */
export function networkError(what: string, cause: unknown): DriveError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DriveError('network', `${what} failed: no answer from Google Drive (${detail})`, { cause });
}

