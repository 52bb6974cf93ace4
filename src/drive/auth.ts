// OAuth 2.0 for browser apps (implicit flow), as identity.launchWebAuthFlow drives it: we build
// the authorize URL, the browser shows Google's consent page, and the flow ends at our redirect URL
// with the token in the fragment. Pure helpers: the worker (outbox engineer) owns the flow itself.
// A token is a credential: nothing here logs it, and errors never include it.
import { toHex } from '../crypto/bytes';

/** Per-file access to what ChatSeal itself created; the user sees the files in their Drive. */
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
export const AUTH_ENDPOINT = 'https://accounts.google.com/o/oauth2/v2/auth';
export const REVOKE_ENDPOINT = 'https://oauth2.googleapis.com/revoke';

export type AuthPrompt = 'none' | 'consent' | 'select_account';

export interface AuthUrlOptions {
  clientId: string;
  redirectUri: string;
  /** Unguessable, checked by parseRedirect: a redirect we did not ask for is refused. */
  state: string;
  /** 'none' renews silently (no window) when the user consented before; omitted: Google decides. */
  prompt?: AuthPrompt;
  /** The e-mail of the account we expect, so Google preselects it. */
  loginHint?: string;
  scopes?: readonly string[];
  endpoint?: string;
}

export function authUrl(options: AuthUrlOptions): string {
  const url = new URL(options.endpoint ?? AUTH_ENDPOINT);
  const params = url.searchParams;
  params.set('client_id', options.clientId);
  params.set('redirect_uri', options.redirectUri);
  params.set('response_type', 'token');
  params.set('scope', (options.scopes ?? [DRIVE_FILE_SCOPE]).join(' '));
  params.set('state', options.state);
  // Lets the user grant Drive access alone if we ever ask for more scopes.
  params.set('include_granted_scopes', 'true');
  if (options.prompt !== undefined) params.set('prompt', options.prompt);
  if (options.loginHint !== undefined) params.set('login_hint', options.loginHint);
  return url.toString();
}

/** 128 random bits as hex: the `state` of one sign-in. */
export function newState(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

export type AuthErrorReason =
  /** The redirect does not carry the state we sent: not our flow; refuse it. */
  | 'state-mismatch'
  /** prompt=none could not complete silently: sign in with a window. */
  | 'interaction-required'
  /** The user said no (or closed Google's page). */
  | 'access-denied'
  /** The redirect has neither a token nor an error. */
  | 'no-token'
  /** Google granted a token without Drive access (the user unticked it). */
  | 'scope-missing'
  /** Any other OAuth error code (invalid_client, unauthorized_client, …). */
  | 'oauth-error';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: AuthErrorReason,
    message: string,
    /** Google's `error` code when it sent one. */
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

// Codes after which a window (interactive sign-in) can still succeed.
const INTERACTION_ERRORS = new Set(['interaction_required', 'login_required', 'consent_required', 'account_selection_required']);

export interface AuthToken {
  accessToken: string;
  /** Epoch milliseconds when Google stops accepting the token. */
  expiresAt: number;
  /** Granted scopes as Google returned them (space separated), when it did. */
  scope?: string;
}

/**
 * Reads the URL launchWebAuthFlow ended at. Throws AuthError. `now` is when the redirect arrived;
 * the token is treated as expiring a minute early so a request never starts with a dying token.
 */
export function parseRedirect(redirectUrl: string, state: string, now: number = Date.now()): AuthToken {
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    throw new AuthError('no-token', 'The sign-in ended at an address that is not a URL.');
  }
  // Google puts the answer in the fragment; errors before consent can come as a query instead.
  const fragment = new URLSearchParams(url.hash.replace(/^#/u, ''));
  const get = (name: string): string | null => fragment.get(name) ?? url.searchParams.get(name);
  if (get('state') !== state) throw new AuthError('state-mismatch', 'The sign-in answer is not for the request ChatSeal made.');
  const error = get('error');
  if (error !== null) {
    if (error === 'access_denied') throw new AuthError('access-denied', 'Access to Google Drive was not granted.', error);
    if (INTERACTION_ERRORS.has(error)) throw new AuthError('interaction-required', `Google needs the user to sign in (${error}).`, error);
    throw new AuthError('oauth-error', `Google refused the sign-in (${error}).`, error);
  }
  const accessToken = get('access_token');
  if (accessToken === null || accessToken === '') throw new AuthError('no-token', 'The sign-in answer carries no access token.');
  const scope = get('scope') ?? undefined;
  if (scope !== undefined && !scope.split(/\s+/u).includes(DRIVE_FILE_SCOPE)) {
    throw new AuthError('scope-missing', 'Google Drive access was not granted (the permission was unticked).');
  }
  const expiresIn = Number(get('expires_in') ?? '3600');
  const lifetimeMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
  const token: AuthToken = { accessToken, expiresAt: now + Math.max(0, lifetimeMs - 60_000) };
  if (scope !== undefined) token.scope = scope;
  return token;
}

/**
 * Asks Google to forget a token (Disconnect). A token Google already considers invalid answers
 * 400, which is the state we want: resolved either way; throws only when Google cannot be reached.
 */
export async function revokeToken(fetchFn: typeof fetch, accessToken: string, endpoint = REVOKE_ENDPOINT): Promise<{ revoked: boolean }> {
  const response = await fetchFn(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: accessToken }).toString(),
  });
  await response.body?.cancel();
  return { revoked: response.ok };
}
