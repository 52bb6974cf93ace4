// Google Drive REST v3, the subset ChatSeal uses, on web APIs only (it runs in the MV3 service
// worker). Every request goes through `send`: the bearer token, one refresh on 401, Google's
// error JSON turned into a DriveError; `request` adds backoff for what is retryable. fetch, the
// token source, sleep, randomness and the clock are injected so tests are fast and deterministic.
import { DEFAULT_BACKOFF, realSleep, withRetry, type BackoffPolicy, type Sleep } from './backoff';
import { DriveError, driveErrorFromResponse, networkError } from './errors';

export const DEFAULT_API_BASE = 'https://www.googleapis.com';
export const BACKUP_FOLDER_NAME = 'ChatSeal Backups';
export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

/** Where the access token comes from (the worker's Drive connection). */
export interface TokenSource {
  /** The current token; throws (ideally DriveError 'auth') when there is none. */
  get(): Promise<string>;
  /** A new token after Drive refused the current one (silent renewal, prompt=none). */
  refresh(): Promise<string>;
}

export interface DriveClientOptions {
  fetch: typeof fetch;
  token: TokenSource;
  /** Scheme and host of Google's API (tests: the emulator's http://127.0.0.1:port). */
  apiBase?: string;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  backoff?: BackoffPolicy;
}

/** A Drive file resource, with the fields ChatSeal asks for. Drive sends int64s as strings. */
export interface DriveFile {
  id: string;
  name?: string;
  mimeType?: string;
  size?: string;
  parents?: string[];
  appProperties?: Record<string, string>;
  createdTime?: string;
  modifiedTime?: string;
  md5Checksum?: string;
  sha256Checksum?: string;
  trashed?: boolean;
}

export const FILE_FIELDS = 'id,name,mimeType,size,parents,appProperties,createdTime,modifiedTime,md5Checksum,sha256Checksum';

export interface ListOptions {
  /** Drive's search grammar, e.g. `'<folderId>' in parents and trashed = false`. */
  q?: string;
  /** Fields of each file (inside `files(…)`); default FILE_FIELDS. */
  fields?: string;
  pageSize?: number;
  orderBy?: string;
  signal?: AbortSignal;
}

export interface About {
  email: string;
  name?: string;
  /** Bytes, when Drive reports them (limit is absent for unlimited accounts). */
  storageQuota?: { limit?: number; usage?: number };
}

/** An inclusive byte range, as HTTP's Range header counts; `end` absent: to the end of the file. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface SendOptions {
  /** Statuses that are answers, not errors (default: 2xx). */
  accept?: (status: number) => boolean;
  /** Requests to a resumable session URL: a 404/410 there means the session is gone. */
  onSession?: boolean;
  /**
   * After a 401 the token is refreshed; false: do not send the request again but throw the 401
   * as an 'auth' DriveError with `tokenRefreshed` (a chunk: ask Drive where it stands first).
   */
  resendAfterRefresh?: boolean;
  /** No answer (headers) within this many ms: abort and fail as 'network' (a stalled connection). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A response's JSON body. Failing to read it (the connection dropped mid-answer) is a network
 * failure; a body that is not JSON, a server one. Both are retryable.
 */
export async function readJson<T>(response: Response, what: string, signal?: AbortSignal): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    signal?.throwIfAborted();
    throw networkError(what, error);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DriveError('server', `${what}: Drive's answer (HTTP ${response.status}) is not JSON.`, { status: response.status });
  }
}

/** A string literal of Drive's query grammar: single quotes, with ' and \ escaped. */
export function queryLiteral(value: string): string {
  return `'${value.replace(/\\/gu, '\\\\').replace(/'/gu, "\\'")}'`;
}

export class DriveClient {
  readonly apiBase: string;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: () => number;
  readonly backoff: BackoffPolicy;
  private readonly fetchFn: typeof fetch;
  private readonly token: TokenSource;
  private readonly folders = new Map<string, Promise<string>>();

  constructor(options: DriveClientOptions) {
    this.fetchFn = options.fetch;
    this.token = options.token;
    this.apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/u, '');
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const url = new URL(this.apiBase + path);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /**
   * One request with the bearer token: on 401 the token is refreshed once and the request sent
   * again; a second 401 is an 'auth' error. A status outside `accept` becomes a DriveError (its
   * body read); a rejected fetch a 'network' one, unless our own signal aborted it (then the
   * signal's reason is thrown). No backoff here.
   */
  async send(what: string, url: string, init: RequestInit = {}, options: SendOptions = {}): Promise<Response> {
    const accept = options.accept ?? ((status: number) => status >= 200 && status < 300);
    let token = await this.tokenFrom(() => this.token.get(), options.signal);
    for (let refreshed = false; ; refreshed = true) {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${token}`);
      let response: Response;
      const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      const signals = [options.signal, timeout].filter((x): x is AbortSignal => x !== undefined);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      try {
        response = await this.fetchFn(url, { ...init, headers, ...(signal === undefined ? {} : { signal }) });
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        if (timeout?.aborted === true) {
          throw new DriveError('network', `${what} failed: no answer from Google Drive within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`, { cause: error });
        }
        throw networkError(what, error);
      }
      if (accept(response.status)) return response;
      if (response.status === 401 && !refreshed) {
        if (options.resendAfterRefresh === false) {
          const error = await driveErrorFromResponse(response, what, { onSession: options.onSession === true, now: this.now() });
          await this.tokenFrom(() => this.token.refresh(), options.signal);
          throw new DriveError('auth', error.message, { status: 401, ...(error.reason === undefined ? {} : { reason: error.reason }), tokenRefreshed: true });
        }
        await response.body?.cancel();
        token = await this.tokenFrom(() => this.token.refresh(), options.signal);
        continue;
      }
      throw await driveErrorFromResponse(response, what, { onSession: options.onSession === true, now: this.now() });
    }
  }

  private async tokenFrom(source: () => Promise<string>, signal?: AbortSignal): Promise<string> {
    try {
      return await source();
    } catch (error) {
      if (error instanceof DriveError || signal?.aborted === true) throw error;
      throw new DriveError('auth', 'Google Drive is not connected (no access token).', { cause: error });
    }
  }

  /** `send` with backoff on retryable failures. */
  request(what: string, url: string, init: RequestInit = {}, options: SendOptions = {}): Promise<Response> {
    return withRetry(() => this.send(what, url, init, options), this.retryContext(options.signal));
  }

  retryContext(signal?: AbortSignal): Parameters<typeof withRetry>[1] {
    return { sleep: this.sleep, random: this.random, policy: this.backoff, ...(signal === undefined ? {} : { signal }) };
  }

  /** `send` and read the JSON answer, with backoff; a body cut short counts as a network failure. */
  private json<T>(what: string, url: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
    return withRetry(async () => readJson<T>(await this.send(what, url, init, signal === undefined ? {} : { signal }), what, signal), this.retryContext(signal));
  }

  async about(signal?: AbortSignal): Promise<About> {
    const body = await this.json<{ user?: { emailAddress?: string; displayName?: string }; storageQuota?: { limit?: string; usage?: string } }>(
      'Reading the Google account',
      this.url('/drive/v3/about', { fields: 'user(emailAddress,displayName),storageQuota(limit,usage)' }),
      {},
      signal,
    );
    const email = body.user?.emailAddress;
    if (email === undefined) throw new DriveError('bad-request', 'Google Drive did not say which account this is.');
    const about: About = { email };
    if (body.user?.displayName !== undefined) about.name = body.user.displayName;
    if (body.storageQuota !== undefined) {
      const quota: { limit?: number; usage?: number } = {};
      if (body.storageQuota.limit !== undefined) quota.limit = Number(body.storageQuota.limit);
      if (body.storageQuota.usage !== undefined) quota.usage = Number(body.storageQuota.usage);
      about.storageQuota = quota;
    }
    return about;
  }

  /** Every file matching the query, page after page (following nextPageToken). */
  async list(options: ListOptions = {}): Promise<DriveFile[]> {
    const files: DriveFile[] = [];
    for await (const page of this.pages(options)) files.push(...page);
    return files;
  }

  /** The same, one page at a time (for a long listing a caller may stop early). */
  async *pages(options: ListOptions = {}): AsyncGenerator<DriveFile[], void, undefined> {
    let pageToken: string | undefined;
    do {
      const body = await this.json<{ files?: DriveFile[]; nextPageToken?: string }>(
        'Listing files',
        this.url('/drive/v3/files', {
          q: options.q,
          fields: `nextPageToken,files(${options.fields ?? FILE_FIELDS})`,
          pageSize: options.pageSize ?? 100,
          orderBy: options.orderBy,
          spaces: 'drive',
          pageToken,
        }),
        {},
        options.signal,
      );
      yield body.files ?? [];
      pageToken = body.nextPageToken;
    } while (pageToken !== undefined && pageToken !== '');
  }

  /** Files directly in a folder (not trashed). */
  listFolder(folderId: string, options: Omit<ListOptions, 'q'> = {}): Promise<DriveFile[]> {
    return this.list({ ...options, q: `${queryLiteral(folderId)} in parents and trashed = false` });
  }

  async get(id: string, fields = FILE_FIELDS, signal?: AbortSignal): Promise<DriveFile> {
    return this.json<DriveFile>('Reading file details', this.url(`/drive/v3/files/${encodeURIComponent(id)}`, { fields }), {}, signal);
  }

  /**
   * The id of the folder with this name, creating it only when none exists. With drive.file Drive
   * shows us only folders ChatSeal made; if several exist (two browsers racing), the oldest wins.
   * After a failed create the search runs again before any retry, so a create that reached Drive
   * but whose answer was lost is found instead of made twice. Concurrent calls share one search.
   */
  ensureFolder(name = BACKUP_FOLDER_NAME, signal?: AbortSignal): Promise<string> {
    const known = this.folders.get(name);
    if (known !== undefined) return known;
    const pending = withRetry(async () => {
      const found = await this.findFolder(name, signal);
      if (found !== undefined) return found;
      const what = 'Creating the backup folder';
      const response = await this.send(
        what,
        this.url('/drive/v3/files', { fields: 'id' }),
        { method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: JSON.stringify({ name, mimeType: FOLDER_MIME_TYPE }) },
        signal === undefined ? {} : { signal },
      );
      return (await readJson<{ id: string }>(response, what, signal)).id;
    }, this.retryContext(signal));
    this.folders.set(name, pending);
    // Only calls in flight share the answer: a later call searches again, so a folder the user
    // deleted meanwhile is made anew rather than named as a parent that no longer exists.
    const forget = (): void => void this.folders.delete(name);
    pending.then(forget, forget);
    return pending;
  }

  async findFolder(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const what = 'Looking for the backup folder';
    const response = await this.send(
      what,
      this.url('/drive/v3/files', {
        q: `name = ${queryLiteral(name)} and mimeType = ${queryLiteral(FOLDER_MIME_TYPE)} and trashed = false`,
        fields: 'files(id,createdTime)',
        pageSize: 100,
        spaces: 'drive',
      }),
      {},
      signal === undefined ? {} : { signal },
    );
    const files = (await readJson<{ files?: DriveFile[] }>(response, what, signal)).files ?? [];
    // Oldest first, by Drive's own clock; ids break ties so every browser picks the same one.
    const sorted = [...files].sort((a, b) => (a.createdTime ?? '').localeCompare(b.createdTime ?? '') || a.id.localeCompare(b.id));
    return sorted[0]?.id;
  }

  /**
   * A file's bytes, or the inclusive `range` of them (206). The response is returned unread so a
   * restore can stream it; a ranged request that Drive answered whole is an error.
   */
  async download(id: string, range?: ByteRange, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (range !== undefined) headers.Range = `bytes=${range.start}-${range.end ?? ''}`;
    const response = await this.request('Downloading a file', this.url(`/drive/v3/files/${encodeURIComponent(id)}`, { alt: 'media' }), { headers }, signal === undefined ? {} : { signal });
    if (range !== undefined && response.status !== 206) {
      await response.body?.cancel();
      throw new DriveError('bad-request', `Downloading a file: asked for bytes ${range.start}-${range.end ?? ''} but Drive sent HTTP ${response.status}`, { status: response.status, fileId: id });
    }
    return response;
  }

  /** The same, read whole; a body cut short is retried like any network failure. */
  downloadBytes(id: string, range?: ByteRange, signal?: AbortSignal): Promise<Uint8Array> {
    return withRetry(async () => {
      const response = await this.download(id, range, signal);
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        signal?.throwIfAborted();
        throw networkError('Downloading a file', error);
      }
    }, this.retryContext(signal));
  }

  /** Deletes a file for good (Drive's files.delete skips the trash). */
  async remove(id: string, signal?: AbortSignal): Promise<void> {
    const url = this.url(`/drive/v3/files/${encodeURIComponent(id)}`);
    await withRetry(async (attempt) => {
      try {
        const response = await this.send('Deleting a file', url, { method: 'DELETE' }, signal === undefined ? {} : { signal });
        await response.body?.cancel();
      } catch (error) {
        // A retry that finds the file gone: the earlier attempt deleted it and its answer was lost.
        if (attempt > 0 && error instanceof DriveError && error.kind === 'not-found') return;
        throw error;
      }
    }, this.retryContext(signal));
  }
}
