import { describe, expect, it } from 'vitest';
import { AuthError, authUrl, DRIVE_FILE_SCOPE, newState, parseRedirect, revokeToken } from '../../src/drive/auth';

const clientId = 'chatseal-local-test.apps.googleusercontent.com';
const redirectUri = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const state = '0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2026-11-26T10:00:00Z');

function redirect(fragment: Record<string, string>): string {
  return `${redirectUri}#${new URLSearchParams(fragment).toString()}`;
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  }
  throw new Error('did not throw');
}

describe('authUrl', () => {
  it('asks Google for an implicit-flow token with the drive.file scope and our state', () => {
    const url = new URL(authUrl({ clientId, redirectUri, state }));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'token',
      scope: DRIVE_FILE_SCOPE,
      state,
      include_granted_scopes: 'true',
    });
  });

  it('adds prompt and login_hint for silent renewal of a known account', () => {
    const url = new URL(authUrl({ clientId, redirectUri, state, prompt: 'none', loginHint: 'maya@example.com' }));
    expect(url.searchParams.get('prompt')).toBe('none');
    expect(url.searchParams.get('login_hint')).toBe('maya@example.com');
  });
});

describe('newState', () => {
  it('is 128 random bits in hex, different each time', () => {
    const a = newState();
    expect(a).toMatch(/^[0-9a-f]{32}$/u);
    expect(newState()).not.toBe(a);
  });
});

describe('parseRedirect', () => {
  it('reads the token and when it expires (a minute early)', () => {
    const token = parseRedirect(
      redirect({ access_token: 'ya29.tok', token_type: 'Bearer', expires_in: '3599', scope: DRIVE_FILE_SCOPE, state }),
      state,
      NOW,
    );
    expect(token).toEqual({ accessToken: 'ya29.tok', expiresAt: NOW + 3539_000, scope: DRIVE_FILE_SCOPE });
  });

  it('refuses an answer whose state is not ours, before looking at anything else', () => {
    expect(reasonOf(() => parseRedirect(redirect({ access_token: 't', state: 'other' }), state, NOW))).toBe('state-mismatch');
    expect(reasonOf(() => parseRedirect(redirect({ access_token: 't' }), state, NOW))).toBe('state-mismatch');
    expect(reasonOf(() => parseRedirect(redirect({ error: 'access_denied', state: 'x' }), state, NOW))).toBe('state-mismatch');
  });

  it('tells a silent renewal that needs a window from a refusal and from other errors', () => {
    expect(reasonOf(() => parseRedirect(redirect({ error: 'interaction_required', state }), state))).toBe('interaction-required');
    expect(reasonOf(() => parseRedirect(redirect({ error: 'login_required', state }), state))).toBe('interaction-required');
    expect(reasonOf(() => parseRedirect(redirect({ error: 'access_denied', state }), state))).toBe('access-denied');
    // Errors can arrive in the query string too.
    expect(reasonOf(() => parseRedirect(`${redirectUri}?error=invalid_client&state=${state}`, state))).toBe('oauth-error');
  });

  it('refuses an answer without a token, or with Drive access unticked', () => {
    expect(reasonOf(() => parseRedirect(redirect({ state }), state))).toBe('no-token');
    expect(reasonOf(() => parseRedirect('not a url', state))).toBe('no-token');
    expect(reasonOf(() => parseRedirect(redirect({ access_token: 't', scope: 'email', state }), state))).toBe('scope-missing');
  });

  it('never puts the token in an error message', () => {
    try {
      parseRedirect(redirect({ access_token: 'ya29.secret', scope: 'email', state }), state);
    } catch (error) {
      expect(String(error)).not.toContain('ya29.secret');
    }
  });
});

describe('revokeToken', () => {
  it('posts the token to Google’s revoke endpoint and reports whether it was revoked', async () => {
    const calls: { url: string; body: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: String(init.body) });
      return new Response(null, { status: calls.length === 1 ? 200 : 400 });
    }) as unknown as typeof fetch;
    expect(await revokeToken(fakeFetch, 'ya29.a&b')).toEqual({ revoked: true });
    expect(await revokeToken(fakeFetch, 'gone')).toEqual({ revoked: false });
    expect(calls[0]).toEqual({ url: 'https://oauth2.googleapis.com/revoke', body: 'token=ya29.a%26b' });
  });
});
