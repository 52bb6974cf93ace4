// The worker's Google Drive connection: sign-in with identity.launchWebAuthFlow (OAuth 2.0 for
// browser apps, implicit flow, drive.file scope, `state` checked), the access token kept in
// storage.session (memory, gone when the browser closes), and in storage.local only what silent
// renewal after a browser restart needs: the account's e-mail (a login hint) and name. Nothing of
// any chat. An expired token is renewed with prompt=none without a window; when Google wants the
// user, the connection becomes "signed out" and uploads wait until the user connects again.
//
// A sign-in to a different Google account than the one backups went to before is held back until
// the user says whether to switch: backups would otherwise be spread over two Drives unnoticed.
import { AuthError, authUrl, AUTH_ENDPOINT, newState, parseRedirect, revokeToken, REVOKE_ENDPOINT, type AuthToken } from './auth';
import { DEFAULT_API_BASE, DriveClient, type TokenSource } from './client';
import { DriveError } from './errors';

/** The parts of storage.session / storage.local the connection uses. */
export interface KeyValueArea {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface WebAuthFlow {
  /** identity.launchWebAuthFlow: resolves with the URL the flow ended at; rejects when cancelled or when interaction was needed and not allowed. */
  launch(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  /** identity.getRedirectURL(): https://<extension id>.chromiumapp.org/ in Chromium. */
  redirectUri(): string;
}

export interface ConnectionDeps {
  /** The OAuth client id this build carries (WXT_GOOGLE_CLIENT_ID); empty or undefined: none. */
  clientId: string | undefined;
  authFlow: WebAuthFlow;
  fetch: typeof fetch;
  /** Memory-only store (storage.session): the access token. */
  session: KeyValueArea;
  /** Persistent store (storage.local): the account, never a token or chat data. */
  local: KeyValueArea;
  now?: () => number;
  /** The Drive client's backoff sleep (tests: instant). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  apiBase?: string;
  authEndpoint?: string;
  revokeEndpoint?: string;
  /** Called after every change of the connection state (the popup and the upload manager listen). */
  onChange?: () => void;
}

export interface DriveAccount {
  email: string;
  name?: string;
  /** ISO: when the user connected this account. */
  connectedAt: string;
}

/** Kept in storage.local. `signedOut`: the token lapsed and silent renewal was refused. */
interface AccountRecord extends DriveAccount {
  signedOut?: boolean;
}

/** A sign-in to another account, waiting for the user's answer (storage.session: it holds a token). */
interface PendingAccount {
  email: string;
  name?: string;
  token: AuthToken;
}

export type ConnectionState =
  | { status: 'no-client-id' }
  /** `previousEmail`: the account backups went to before a Disconnect, if any. */
  | { status: 'disconnected'; previousEmail?: string }
  | { status: 'connected'; email: string; name?: string; connectedAt: string }
  /** Connected before, but Google wants the user to sign in again. */
  | { status: 'signed-out'; email: string; name?: string }
  /** A sign-in reached another account than before: switch or keep the old one? */
  | { status: 'confirm-account'; email: string; previousEmail: string };

export type ConnectFailure = 'no-client-id' | 'cancelled' | 'denied' | 'scope-missing' | 'client-rejected' | 'network' | 'failed';

export type ConnectResult = { ok: true; state: ConnectionState } | { ok: false; reason: ConnectFailure; detail: string };

const TOKEN_KEY = 'drive.token';
const PENDING_KEY = 'drive.pendingAccount';
const ACCOUNT_KEY = 'drive.account';
/** The e-mail of the last connected account, kept after Disconnect so a later switch is noticed. */
const LAST_EMAIL_KEY = 'drive.lastEmail';

export class DriveConnection {
  private readonly now: () => number;
  private renewing: Promise<string> | undefined;
  private connecting: Promise<ConnectResult> | undefined;
  private readonly apiBase: string;

  constructor(private readonly deps: ConnectionDeps) {
    this.now = deps.now ?? Date.now;
    this.apiBase = deps.apiBase ?? DEFAULT_API_BASE;
  }

  get hasClientId(): boolean {
    return typeof this.deps.clientId === 'string' && this.deps.clientId.trim() !== '';
  }

  async state(): Promise<ConnectionState> {
    if (!this.hasClientId) return { status: 'no-client-id' };
    const pending = await this.deps.session.get<PendingAccount>(PENDING_KEY);
    const account = await this.deps.local.get<AccountRecord>(ACCOUNT_KEY);
    if (pending && account) return { status: 'confirm-account', email: pending.email, previousEmail: account.email };
    if (!account) {
      const last = await this.deps.local.get<string>(LAST_EMAIL_KEY);
      if (pending && last) return { status: 'confirm-account', email: pending.email, previousEmail: last };
      return last ? { status: 'disconnected', previousEmail: last } : { status: 'disconnected' };
    }
    const named = account.name === undefined ? {} : { name: account.name };
    if (account.signedOut) return { status: 'signed-out', email: account.email, ...named };
    return { status: 'connected', email: account.email, ...named, connectedAt: account.connectedAt };
  }

  /** Whether uploads can be attempted (a token may still need silent renewal). */
  async isConnected(): Promise<boolean> {
    return (await this.state()).status === 'connected';
  }

  /**
   * Interactive sign-in (the user clicked Connect). Resolves once the account is known: connected,
   * or `confirm-account` when it is not the account used before.
   */
  connect(): Promise<ConnectResult> {
    // A second click (e.g. from a popup reopened while Google's window is up) joins the first.
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<ConnectResult> {
    if (!this.hasClientId) return { ok: false, reason: 'no-client-id', detail: 'This build has no Google OAuth client id.' };
    const last = (await this.deps.local.get<AccountRecord>(ACCOUNT_KEY))?.email ?? (await this.deps.local.get<string>(LAST_EMAIL_KEY));
    let token: AuthToken;
    try {
      token = await this.runFlow(true, last);
    } catch (error) {
      return { ok: false, ...connectFailure(error) };
    }
    let about;
    try {
      about = await this.clientWith(token.accessToken).about();
    } catch (error) {
      return { ok: false, ...connectFailure(error) };
    }
    const named = about.name === undefined ? {} : { name: about.name };
    if (last !== undefined && last.toLowerCase() !== about.email.toLowerCase()) {
      await this.deps.session.set(PENDING_KEY, { email: about.email, ...named, token } satisfies PendingAccount);
      this.changed();
      return { ok: true, state: await this.state() };
    }
    await this.adopt({ email: about.email, ...named }, token);
    return { ok: true, state: await this.state() };
  }

  /** The user's answer to `confirm-account`: switch to the new account, or stay with the old one. */
  async confirmAccount(useNew: boolean): Promise<ConnectionState> {
    const pending = await this.deps.session.get<PendingAccount>(PENDING_KEY);
    if (!pending) return this.state();
    await this.deps.session.remove(PENDING_KEY);
    if (useNew) {
      await this.adopt({ email: pending.email, ...(pending.name === undefined ? {} : { name: pending.name }) }, pending.token);
    } else {
      await this.revokeQuietly(pending.token.accessToken);
      this.changed();
    }
    return this.state();
  }

  /** Revokes the token (when Google can be reached) and forgets it and the account. */
  async disconnect(): Promise<ConnectionState> {
    const token = await this.deps.session.get<AuthToken>(TOKEN_KEY);
    const pending = await this.deps.session.get<PendingAccount>(PENDING_KEY);
    const account = await this.deps.local.get<AccountRecord>(ACCOUNT_KEY);
    await this.deps.session.remove(TOKEN_KEY);
    await this.deps.session.remove(PENDING_KEY);
    await this.deps.local.remove(ACCOUNT_KEY);
    if (account) await this.deps.local.set(LAST_EMAIL_KEY, account.email);
    if (token) await this.revokeQuietly(token.accessToken);
    if (pending) await this.revokeQuietly(pending.token.accessToken);
    this.changed();
    return this.state();
  }

  /** The token source a DriveClient uses: the kept token while valid, else silent renewal. */
  readonly tokens: TokenSource = {
    get: async () => {
      const token = await this.deps.session.get<AuthToken>(TOKEN_KEY);
      if (token && token.expiresAt > this.now()) return token.accessToken;
      return this.renew();
    },
    refresh: () => this.renew(),
  };

  /** A Drive client on the connected account's tokens. */
  client(options: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; random?: () => number } = {}): DriveClient {
    return new DriveClient({ fetch: this.deps.fetch, token: this.tokens, apiBase: this.apiBase, now: this.now, ...this.sleepOption(), ...options });
  }

  /** Silent renewal with prompt=none; one at a time however many requests ask. */
  renew(): Promise<string> {
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<string> {
    const account = await this.deps.local.get<AccountRecord>(ACCOUNT_KEY);
    if (!this.hasClientId || !account) throw new DriveError('auth', 'Google Drive is not connected.');
    if (account.signedOut) throw new DriveError('auth', 'Google Drive needs the user to sign in again.');
    let token: AuthToken;
    try {
      token = await this.runFlow(false, account.email);
      const about = await this.clientWith(token.accessToken).about();
      if (about.email.toLowerCase() !== account.email.toLowerCase()) {
        await this.revokeQuietly(token.accessToken);
        throw new AuthError('interaction-required', 'Silent sign-in reached a different Google account.');
      }
    } catch (error) {
      // A network failure says nothing about the sign-in: keep the account, let the upload retry.
      if (error instanceof DriveError && error.retryable) throw error;
      await this.deps.session.remove(TOKEN_KEY);
      await this.deps.local.set(ACCOUNT_KEY, { ...account, signedOut: true } satisfies AccountRecord);
      this.changed();
      throw new DriveError('auth', 'Google Drive needs the user to sign in again.', { cause: error });
    }
    await this.deps.session.set(TOKEN_KEY, token);
    return token.accessToken;
  }

  private async runFlow(interactive: boolean, loginHint: string | undefined): Promise<AuthToken> {
    const state = newState();
    const url = authUrl({
      clientId: this.deps.clientId!.trim(),
      redirectUri: this.deps.authFlow.redirectUri(),
      state,
      ...(interactive ? {} : { prompt: 'none' as const }),
      ...(loginHint === undefined ? {} : { loginHint }),
      endpoint: this.deps.authEndpoint ?? AUTH_ENDPOINT,
    });
    let redirect: string | undefined;
    try {
      redirect = await this.deps.authFlow.launch({ url, interactive });
    } catch (error) {
      // Chromium rejects both a closed window and "interaction required" for a silent flow.
      throw new AuthError(interactive ? 'access-denied' : 'interaction-required', `The sign-in window ended without an answer: ${messageOf(error)}`);
    }
    if (redirect === undefined) throw new AuthError('no-token', 'The sign-in ended without an answer.');
    return parseRedirect(redirect, state, this.now());
  }

  private async adopt(account: Omit<DriveAccount, 'connectedAt'>, token: AuthToken): Promise<void> {
    const record: AccountRecord = { ...account, connectedAt: new Date(this.now()).toISOString() };
    await this.deps.session.set(TOKEN_KEY, token);
    await this.deps.local.set(ACCOUNT_KEY, record);
    await this.deps.local.set(LAST_EMAIL_KEY, account.email);
    this.changed();
  }

  private clientWith(accessToken: string): DriveClient {
    const fixed: TokenSource = { get: async () => accessToken, refresh: async () => Promise.reject(new DriveError('auth', 'Google refused the new sign-in.')) };
    return new DriveClient({ fetch: this.deps.fetch, token: fixed, apiBase: this.apiBase, now: this.now, ...this.sleepOption() });
  }

  private sleepOption(): { sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } {
    return this.deps.sleep === undefined ? {} : { sleep: this.deps.sleep };
  }

  private async revokeQuietly(accessToken: string): Promise<void> {
    try {
      await revokeToken(this.deps.fetch, accessToken, this.deps.revokeEndpoint ?? REVOKE_ENDPOINT);
    } catch {
      // Offline: the token lapses by itself within the hour; it is forgotten here either way.
    }
  }

  private changed(): void {
    try {
      this.deps.onChange?.();
    } catch {
      // A listener's failure is not the connection's.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function connectFailure(error: unknown): { reason: ConnectFailure; detail: string } {
  const detail = messageOf(error);
  if (error instanceof AuthError) {
    if (error.reason === 'access-denied') return { reason: error.oauthError === 'access_denied' ? 'denied' : 'cancelled', detail };
    if (error.reason === 'scope-missing') return { reason: 'scope-missing', detail };
    if (error.reason === 'oauth-error') return { reason: 'client-rejected', detail };
    return { reason: 'failed', detail };
  }
  if (error instanceof DriveError && error.kind === 'network') return { reason: 'network', detail };
  return { reason: 'failed', detail };
}
