import { describe, expect, it } from 'vitest';
import { DRIVE_FILE_SCOPE } from '../../src/drive/auth';
import { DriveConnection, type ConnectionDeps, type WebAuthFlow } from '../../src/drive/connection';
import { DriveError } from '../../src/drive/errors';
import { memorySessionStore } from '../../src/keys/session';

const CLIENT_ID = 'chatseal-local-test.apps.googleusercontent.com';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';

/**
 * A stand-in for Google: the consent window (launchWebAuthFlow), about.get and revoke. Tokens map
 * to the account that granted them; `signedInAs` is who the browser's Google session belongs to.
 */
function fakeGoogle() {
  const g = {
    signedInAs: { email: 'maya@example.com', name: 'Maya Example' },
    consented: new Set<string>(),
    /** What the user does with an interactive window. */
    user: 'allow' as 'allow' | 'close' | 'deny',
    tokens: new Map<string, string>(),
    revoked: [] as string[],
    flows: [] as { url: URL; interactive: boolean }[],
    aboutCalls: 0,
    offline: false,
    tamperState: false,
    issued: 0,
  };
  const authFlow: WebAuthFlow = {
    redirectUri: () => REDIRECT,
    async launch({ url, interactive }) {
      const u = new URL(url);
      g.flows.push({ url: u, interactive });
      const state = g.tamperState ? 'not-ours' : u.searchParams.get('state')!;
      const email = g.signedInAs.email;
      if (!interactive) {
        if (u.searchParams.get('prompt') !== 'none') throw new Error('silent flow without prompt=none');
        if (!g.consented.has(email)) return `${REDIRECT}#error=interaction_required&state=${state}`;
      } else {
        if (g.user === 'close') throw new Error('The user did not approve access.');
        if (g.user === 'deny') return `${REDIRECT}#error=access_denied&state=${state}`;
        g.consented.add(email);
      }
      const token = `tok-${++g.issued}`;
      g.tokens.set(token, email);
      return `${REDIRECT}#access_token=${token}&token_type=Bearer&expires_in=3599&scope=${encodeURIComponent(DRIVE_FILE_SCOPE)}&state=${state}`;
    },
  };
  const fetchFn: typeof fetch = async (input, init) => {
    if (g.offline) throw new TypeError('Failed to fetch');
    const url = new URL(String(input));
    if (url.pathname === '/revoke') {
      const token = new URLSearchParams(String(init?.body)).get('token')!;
      g.revoked.push(token);
      g.tokens.delete(token);
      return new Response('{}', { status: 200 });
    }
    if (url.pathname === '/drive/v3/about') {
      g.aboutCalls++;
      const auth = new Headers(init?.headers).get('Authorization') ?? '';
      const email = g.tokens.get(auth.replace(/^Bearer /u, ''));
      if (!email) return new Response(JSON.stringify({ error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } }), { status: 401 });
      const name = email === g.signedInAs.email ? g.signedInAs.name : 'Other';
      return new Response(JSON.stringify({ user: { emailAddress: email, displayName: name } }), { status: 200 });
    }
    return new Response('not found', { status: 404 });
  };
  return { g, authFlow, fetchFn };
}

function setup(over: Partial<ConnectionDeps> = {}) {
  const { g, authFlow, fetchFn } = fakeGoogle();
  const session = memorySessionStore();
  const local = memorySessionStore();
  let now = Date.parse('2026-03-05T10:00:00.000Z');
  let changes = 0;
  const conn = new DriveConnection({
    clientId: CLIENT_ID,
    authFlow,
    fetch: fetchFn,
    session,
    local,
    now: () => now,
    sleep: async () => undefined,
    onChange: () => changes++,
    ...over,
  });
  return { g, conn, session, local, advance: (ms: number) => (now += ms), changes: () => changes };
}

describe('DriveConnection', () => {
  it('says so when the build has no client id, and refuses to connect', async () => {
    const { conn, g } = setup({ clientId: '' });
    expect(await conn.state()).toEqual({ status: 'no-client-id' });
    expect(await conn.connect()).toMatchObject({ ok: false, reason: 'no-client-id' });
    expect(g.flows).toEqual([]);
  });

  it('connects interactively with drive.file and a state, shows the e-mail, and keeps the token in session memory only', async () => {
    const { conn, g, session, local, changes } = setup();
    expect(await conn.state()).toEqual({ status: 'disconnected' });
    const result = await conn.connect();
    expect(result).toEqual({ ok: true, state: { status: 'connected', email: 'maya@example.com', name: 'Maya Example', connectedAt: '2026-03-05T10:00:00.000Z' } });
    const flow = g.flows[0]!;
    expect(flow.interactive).toBe(true);
    expect(flow.url.origin + flow.url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(flow.url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(flow.url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(flow.url.searchParams.get('response_type')).toBe('token');
    expect(flow.url.searchParams.get('scope')).toBe(DRIVE_FILE_SCOPE);
    expect(flow.url.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/u);
    expect(flow.url.searchParams.has('prompt')).toBe(false);
    expect(JSON.stringify(local.dump())).not.toContain('tok-');
    expect(JSON.stringify(session.dump())).toContain('tok-1');
    expect(await conn.tokens.get()).toBe('tok-1');
    expect(changes()).toBeGreaterThan(0);
  });

  it('a second Connect while the sign-in window is open joins the first instead of opening another', async () => {
    const { conn, g } = setup();
    const [a, b] = await Promise.all([conn.connect(), conn.connect()]);
    expect(a).toEqual(b);
    expect(g.flows).toHaveLength(1);
  });

  it('refuses a redirect whose state is not the one it sent', async () => {
    const { conn, g } = setup();
    g.tamperState = true;
    expect(await conn.connect()).toMatchObject({ ok: false, reason: 'failed' });
    expect(await conn.state()).toEqual({ status: 'disconnected' });
  });

  it('reports a closed window as cancelled and a refusal as denied, staying disconnected', async () => {
    const { conn, g } = setup();
    g.user = 'close';
    expect(await conn.connect()).toMatchObject({ ok: false, reason: 'cancelled' });
    g.user = 'deny';
    expect(await conn.connect()).toMatchObject({ ok: false, reason: 'denied' });
    expect(await conn.state()).toEqual({ status: 'disconnected' });
  });

  it('renews an expired token silently with prompt=none and the account as login hint', async () => {
    const { conn, g, advance } = setup();
    await conn.connect();
    advance(3600_000);
    expect(await conn.tokens.get()).toBe('tok-2');
    const silent = g.flows[1]!;
    expect(silent.interactive).toBe(false);
    expect(silent.url.searchParams.get('prompt')).toBe('none');
    expect(silent.url.searchParams.get('login_hint')).toBe('maya@example.com');
    // Still valid: no new flow.
    expect(await conn.tokens.get()).toBe('tok-2');
    expect(g.flows).toHaveLength(2);
  });

  it('renews once for many callers at the same time', async () => {
    const { conn, g } = setup();
    await conn.connect();
    const tokens = await Promise.all([conn.tokens.refresh(), conn.tokens.refresh(), conn.tokens.refresh()]);
    expect(new Set(tokens)).toEqual(new Set(['tok-2']));
    expect(g.flows).toHaveLength(2);
  });

  it('after a browser restart (session memory gone) renews silently from what storage.local kept', async () => {
    const { conn, g, session } = setup();
    await conn.connect();
    await session.remove('drive.token');
    expect(await conn.state()).toMatchObject({ status: 'connected', email: 'maya@example.com' });
    expect(await conn.tokens.get()).toBe('tok-2');
    expect(g.flows[1]!.interactive).toBe(false);
  });

  it('becomes signed-out when Google wants the user, and a new Connect restores it', async () => {
    const { conn, g, advance } = setup();
    await conn.connect();
    g.consented.clear();
    advance(3600_000);
    await expect(conn.tokens.get()).rejects.toMatchObject({ kind: 'auth' });
    expect(await conn.state()).toEqual({ status: 'signed-out', email: 'maya@example.com', name: 'Maya Example' });
    // Signed out: no more silent attempts until the user acts.
    await expect(conn.tokens.refresh()).rejects.toBeInstanceOf(DriveError);
    expect(g.flows).toHaveLength(2);
    expect(await conn.connect()).toMatchObject({ ok: true, state: { status: 'connected' } });
  });

  it('keeps the account when renewal fails for lack of network (the upload retries later)', async () => {
    const { conn, g, advance } = setup();
    await conn.connect();
    advance(3600_000);
    g.offline = true;
    await expect(conn.tokens.get()).rejects.toMatchObject({ kind: 'network' });
    expect(await conn.state()).toMatchObject({ status: 'connected' });
  });

  it('asks before switching to a different Google account; keeping the old one revokes the new token', async () => {
    const { conn, g, session } = setup();
    await conn.connect();
    await conn.disconnect();
    g.signedInAs = { email: 'work@example.org', name: 'Maya at work' };
    const result = await conn.connect();
    expect(result).toEqual({ ok: true, state: { status: 'confirm-account', email: 'work@example.org', previousEmail: 'maya@example.com' } });
    expect(g.flows.at(-1)!.url.searchParams.get('login_hint')).toBe('maya@example.com');
    await expect(conn.tokens.get()).rejects.toBeInstanceOf(DriveError);
    expect(await conn.confirmAccount(false)).toEqual({ status: 'disconnected', previousEmail: 'maya@example.com' });
    expect(g.revoked).toContain('tok-2');
    expect(JSON.stringify(session.dump())).not.toContain('tok-2');
  });

  it('switches to the different account when the user says so', async () => {
    const { conn, g } = setup();
    await conn.connect();
    g.signedInAs = { email: 'work@example.org', name: 'Maya at work' };
    expect((await conn.connect()).ok).toBe(true);
    expect(await conn.state()).toMatchObject({ status: 'confirm-account', email: 'work@example.org', previousEmail: 'maya@example.com' });
    expect(await conn.confirmAccount(true)).toMatchObject({ status: 'connected', email: 'work@example.org' });
    expect(await conn.tokens.get()).toBe('tok-2');
  });

  it('Disconnect revokes the token and forgets it and the account, keeping only the e-mail to notice a switch', async () => {
    const { conn, g, session, local } = setup();
    await conn.connect();
    expect(await conn.disconnect()).toEqual({ status: 'disconnected', previousEmail: 'maya@example.com' });
    expect(g.revoked).toEqual(['tok-1']);
    expect(session.dump()).toEqual({});
    expect(local.dump()).toEqual({ 'drive.lastEmail': 'maya@example.com' });
    await expect(conn.tokens.get()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('Disconnect works offline (the token is forgotten; it lapses by itself)', async () => {
    const { conn, g, session } = setup();
    await conn.connect();
    g.offline = true;
    expect((await conn.disconnect()).status).toBe('disconnected');
    expect(session.dump()).toEqual({});
  });
});
