// The local Drive's Google sign-in endpoints (implicit flow), CORS, the hostnames over TLS, and
// the command line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testTls } from '../../tools/tls/index.mjs';
import { startTestDrive, type TestDrive } from './drive-emulator-setup';

const CLIENT = 'chatseal-local-test.apps.googleusercontent.com';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';

let d: TestDrive;
beforeEach(async () => {
  d = await startTestDrive();
});
afterEach(async () => {
  await d.close();
});

function authUrl(params: Record<string, string> = {}) {
  const q = new URLSearchParams({
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    response_type: 'token',
    scope: DRIVE_FILE,
    state: 'st-123',
    ...params,
  });
  return `${d.emu.url}/o/oauth2/v2/auth?${q}`;
}

/** The fragment of a redirect to the extension's redirect URI. */
function fragmentOf(res: Response) {
  expect(res.status).toBe(302);
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
  return new URLSearchParams(location.slice(location.indexOf('#') + 1));
}

/** Clicks a button of the consent page: posts its form as a browser would. */
async function click(page: string, decision: 'allow' | 'deny') {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page);
  expect(form).not.toBeNull();
  const fields = new URLSearchParams();
  for (const m of (form?.[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(unescape(m[1] ?? ''), unescape(m[2] ?? ''));
  }
  fields.append('decision', decision);
  expect(page).toContain(`name="decision" value="${decision}"`);
  return fetch(`${d.emu.url}${form?.[1]}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
}
const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe('authorization page (implicit flow)', () => {
  it('shows the account and an Allow button; Allow redirects with a token that works on Drive', async () => {
    const res = await fetch(authUrl(), { redirect: 'manual' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('maya@example.com');
    expect(page).toContain('Maya Example');
    expect(page).toContain('only the specific Google Drive files you use with this app');
    expect(page).toMatch(/<button[^>]*>Allow<\/button>/);

    const f = fragmentOf(await click(page, 'allow'));
    expect(f.get('token_type')).toBe('Bearer');
    expect(f.get('expires_in')).toBe('3599');
    expect(f.get('scope')).toBe(DRIVE_FILE);
    expect(f.get('state')).toBe('st-123');
    const token = f.get('access_token') ?? '';
    const about = await fetch(`${d.emu.url}/drive/v3/about?fields=user(emailAddress)`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await about.json()).toEqual({ user: { emailAddress: 'maya@example.com' } });
  });

  it('Cancel redirects with error=access_denied and the state', async () => {
    const page = await (await fetch(authUrl())).text();
    const f = fragmentOf(await click(page, 'deny'));
    expect(f.get('error')).toBe('access_denied');
    expect(f.get('state')).toBe('st-123');
    expect(f.get('access_token')).toBeNull();
  });

  it('prompt=none: interaction_required before consent, a token at once after it', async () => {
    let f = fragmentOf(await fetch(authUrl({ prompt: 'none' }), { redirect: 'manual' }));
    expect(f.get('error')).toBe('interaction_required');
    expect(f.get('state')).toBe('st-123');

    const page = await (await fetch(authUrl({ prompt: 'consent' }))).text();
    fragmentOf(await click(page, 'allow'));

    f = fragmentOf(await fetch(authUrl({ prompt: 'none', state: 'again' }), { redirect: 'manual' }));
    expect(f.get('access_token')).toMatch(/^ya29\./);
    expect(f.get('state')).toBe('again');
    // another account hinted: no silent answer
    f = fragmentOf(await fetch(authUrl({ prompt: 'none', login_hint: 'someone@else.com' }), { redirect: 'manual' }));
    expect(f.get('error')).toBe('interaction_required');
    // consent for drive.file does not cover a wider scope
    f = fragmentOf(await fetch(authUrl({ prompt: 'none', scope: `${DRIVE_FILE} email` }), { redirect: 'manual' }));
    expect(f.get('error')).toBe('interaction_required');
  });

  it('still renews silently after tokens expired (the consent stays)', async () => {
    d.emu.admin.grantConsent();
    const first = fragmentOf(await fetch(authUrl({ prompt: 'none' }), { redirect: 'manual' })).get('access_token');
    d.emu.admin.expireTokens();
    const second = fragmentOf(await fetch(authUrl({ prompt: 'none' }), { redirect: 'manual' })).get('access_token');
    expect(second).toMatch(/^ya29\./);
    expect(second).not.toBe(first);
  });

  it('shows Google-style error pages (no redirect) for an unknown client id, a foreign redirect URI and bad requests', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ client_id: 'unknown.apps.googleusercontent.com' }, 401, 'invalid_client'],
      [{ redirect_uri: 'https://evil.example/' }, 400, 'redirect_uri_mismatch'],
      [{ response_type: 'code' }, 400, 'unsupported_response_type'],
      [{ scope: '' }, 400, 'invalid_request'],
      [{ scope: 'https://www.googleapis.com/auth/gmail.readonly' }, 400, 'invalid_scope'],
    ];
    for (const [params, status, code] of cases) {
      const res = await fetch(authUrl(params), { redirect: 'manual' });
      expect(res.status, code).toBe(status);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain(`Error ${status}: ${code}`);
    }
    // even with prompt=none, an unknown client gets the page, not a redirect
    const res = await fetch(authUrl({ client_id: 'x', prompt: 'none' }), { redirect: 'manual' });
    expect(res.status).toBe(401);
  });

  it('shows the account set by the admin (another Google account)', async () => {
    d.emu.admin.setAccount({ email: 'sam@example.org', name: 'Sam Other' });
    const page = await (await fetch(authUrl())).text();
    expect(page).toContain('sam@example.org');
    const token = fragmentOf(await click(page, 'allow')).get('access_token');
    const about = await fetch(`${d.emu.url}/drive/v3/about?fields=user(emailAddress)`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await about.json()).user.emailAddress).toBe('sam@example.org');
  });
});

describe('tokeninfo, userinfo and revoke', () => {
  it('describes a live token, and says invalid_token for others', async () => {
    const t = d.emu.admin.issueToken({ scopes: [DRIVE_FILE, 'https://www.googleapis.com/auth/userinfo.email'] });
    const res = await fetch(`${d.emu.url}/tokeninfo?access_token=${t.accessToken}`);
    expect(res.status).toBe(200);
    const info = await res.json();
    expect(info).toEqual({
      azp: CLIENT,
      aud: CLIENT,
      sub: expect.stringMatching(/^\d{21}$/),
      scope: `${DRIVE_FILE} https://www.googleapis.com/auth/userinfo.email`,
      exp: String(Math.floor(t.expiresAt / 1000)),
      expires_in: expect.stringMatching(/^35\d\d$/),
      access_type: 'online',
      email: 'maya@example.com',
      email_verified: 'true',
    });
    const noEmail = await (await fetch(`${d.emu.url}/tokeninfo?access_token=${d.token}`)).json();
    expect(noEmail.email).toBeUndefined();
    const bad = await fetch(`${d.emu.url}/tokeninfo?access_token=nope`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
    const v3 = await fetch(`${d.emu.url}/oauth2/v3/tokeninfo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `access_token=${t.accessToken}`,
    });
    expect((await v3.json()).aud).toBe(CLIENT);
    const user = await fetch(`${d.emu.url}/oauth2/v3/userinfo`, { headers: { Authorization: `Bearer ${t.accessToken}` } });
    expect(await user.json()).toEqual({ sub: info.sub, email: 'maya@example.com', email_verified: true });
  });

  it('revokes the grant: every token of that client and account, and the consent', async () => {
    d.emu.admin.grantConsent();
    const a = d.emu.admin.issueToken().accessToken;
    const b = d.emu.admin.issueToken().accessToken;
    const res = await fetch(`${d.emu.url}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${a}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    for (const t of [a, b]) {
      expect((await fetch(`${d.emu.url}/drive/v3/files`, { headers: { Authorization: `Bearer ${t}` } })).status).toBe(401);
    }
    const f = fragmentOf(await fetch(authUrl({ prompt: 'none' }), { redirect: 'manual' }));
    expect(f.get('error')).toBe('interaction_required');
    const again = await fetch(`${d.emu.url}/revoke?token=${a}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });
});

describe('CORS', () => {
  const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

  it('answers a preflight with the origin, the methods and the requested headers', async () => {
    const res = await fetch(`${d.emu.url}/upload/drive/v3/files?uploadType=resumable&upload_id=x`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization,content-range,content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-range,content-type');
  });

  it('exposes Location, Range and X-GUploader-UploadID to browser code', async () => {
    const res = await d.api('/upload/drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
    for (const h of ['Location', 'Range', 'X-GUploader-UploadID', 'Content-Range']) expect(exposed).toContain(h);
    const err = await fetch(`${d.emu.url}/drive/v3/files`, { headers: { Origin: origin } });
    expect(err.status).toBe(401);
    expect(err.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('Google hostnames over TLS', () => {
  function request(port: number, host: string, pathAndQuery: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: pathAndQuery,
          method: init.method ?? 'GET',
          servername: host,
          ca: testTls.cert,
          headers: { Host: host, ...(init.headers ?? {}) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  }

  it('answers each hostname with its own endpoints, with the test certificate', async () => {
    const tls = await startTestDrive({ tls: true });
    try {
      expect(tls.emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const port = tls.emu.port;
      expect(tls.emu.hostMap).toEqual({ 'www.googleapis.com': port, 'accounts.google.com': port, 'oauth2.googleapis.com': port });
      const auth = { Authorization: `Bearer ${tls.token}` };
      expect((await request(port, 'www.googleapis.com', '/drive/v3/files', { headers: auth })).status).toBe(200);
      expect((await request(port, 'accounts.google.com', '/drive/v3/files', { headers: auth })).status).toBe(404);
      expect((await request(port, 'accounts.google.com', `/o/oauth2/v2/auth?client_id=${CLIENT}&redirect_uri=${REDIRECT}&response_type=token&scope=${DRIVE_FILE}`)).status).toBe(200);
      expect((await request(port, 'www.googleapis.com', '/o/oauth2/v2/auth')).status).toBe(404);
      expect((await request(port, 'oauth2.googleapis.com', `/tokeninfo?access_token=${tls.token}`)).status).toBe(200);
      const accounts = await request(port, 'accounts.google.com', '/ListAccounts?gpsia=1&source=ChromiumBrowser', { method: 'POST', body: ' ' });
      expect([accounts.status, JSON.parse(accounts.body)]).toEqual([200, ['gaia.l.a.r', []]]);
      const init = await request(port, 'www.googleapis.com', '/upload/drive/v3/files?uploadType=resumable', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(init.status).toBe(200);
      expect(String(init.headers.location)).toMatch(/^https:\/\/www\.googleapis\.com\/upload\/drive\/v3\/files\?uploadType=resumable&upload_id=/);
    } finally {
      await tls.close();
    }
  });
});

describe('command line', () => {
  it('starts, prints its port as JSON, serves the admin API, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-drive-cli-'));
    const child = spawn(process.execPath, ['tools/drive-emulator/cli.mjs', '--dir', dir, '--no-tls', '--email', 'cli@example.com', '--name', 'Cli User'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const info = JSON.parse(line);
      expect(info.url).toBe(`http://127.0.0.1:${info.port}`);
      const account = await (await fetch(`${info.url}/__admin/account`)).json();
      expect(account).toEqual({ email: 'cli@example.com', name: 'Cli User' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
