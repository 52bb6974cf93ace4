// Google's OAuth 2.0 endpoints for browser apps, implicit flow (response_type=token):
// the authorization page (consent with an Allow button; prompt=none answers at once), token info
// and revoke. https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow
import crypto from 'node:crypto';
import { escapeHtml } from './errors.mjs';
import { readFormBody, sendHtml, sendJson, sendEmpty } from './http.mjs';

const SCOPE_ALIASES = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
const SCOPE_WORDS = {
  'https://www.googleapis.com/auth/drive.file': 'See, edit, create, and delete only the specific Google Drive files you use with this app',
  'https://www.googleapis.com/auth/drive': 'See, edit, create, and delete all of your Google Drive files',
  'https://www.googleapis.com/auth/drive.appdata': 'See, create, and delete its own configuration data in your Google Drive',
  'https://www.googleapis.com/auth/drive.readonly': 'See and download all your Google Drive files',
  'https://www.googleapis.com/auth/drive.metadata.readonly': 'See information about your Google Drive files',
  'https://www.googleapis.com/auth/userinfo.email': 'See your primary Google Account email address',
  'https://www.googleapis.com/auth/userinfo.profile': 'See your personal info, including any personal info you have made publicly available',
  openid: 'Associate you with your personal info on Google',
};

/** Stable numeric account id ("sub") for an e-mail. */
export function subjectOf(email) {
  const h = crypto.createHash('sha256').update(email.toLowerCase()).digest();
  let digits = '1';
  for (const b of h) {
    if (digits.length >= 21) break;
    digits += String(b % 10);
  }
  return digits;
}

/**
 * Checks an authorization request. Google shows an error page (no redirect) for a bad client,
 * redirect URI, response type or scope.
 * @param {URLSearchParams} p @param {{ clientIds: string[] }} config
 */
function checkRequest(p, config) {
  const clientId = p.get('client_id');
  if (!clientId) return { error: pageError(400, 'invalid_request', 'Missing required parameter: client_id') };
  if (!config.clientIds.includes(clientId)) return { error: pageError(401, 'invalid_client', 'The OAuth client was not found.') };
  const redirectUri = p.get('redirect_uri');
  if (!redirectUri) return { error: pageError(400, 'invalid_request', 'Missing required parameter: redirect_uri') };
  if (!redirectAllowed(redirectUri)) {
    return {
      error: pageError(400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`),
    };
  }
  const responseType = p.get('response_type');
  if (!responseType) return { error: pageError(400, 'invalid_request', 'Missing required parameter: response_type') };
  if (responseType !== 'token') {
    return { error: pageError(400, 'unsupported_response_type', `This emulator supports response_type=token only, not ${responseType}.`) };
  }
  const scopeText = (p.get('scope') ?? '').trim();
  if (!scopeText) return { error: pageError(400, 'invalid_request', 'Missing required parameter: scope') };
  const scopes = [...new Set(scopeText.split(/\s+/).map((s) => SCOPE_ALIASES[s] ?? s))];
  const unknown = scopes.find((s) => !(s in SCOPE_WORDS));
  if (unknown) return { error: pageError(400, 'invalid_scope', `Some requested scopes were invalid. {invalid=[${unknown}]}`) };
  const prompt = p.get('prompt') ?? '';
  const prompts = prompt.split(/\s+/).filter(Boolean);
  if (prompts.includes('none') && prompts.length > 1) {
    return { error: pageError(400, 'invalid_request', 'prompt=none cannot be combined with other prompt values') };
  }
  return {
    request: {
      clientId,
      redirectUri,
      scopes,
      state: p.get('state'),
      prompt: prompts,
      loginHint: p.get('login_hint'),
      includeGranted: p.get('include_granted_scopes') === 'true',
    },
  };
}

/** Redirect URIs of browser extensions and loopback apps (Chrome, Edge, Firefox). */
function redirectAllowed(uri) {
  let u;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.hash) return false;
  if (u.protocol === 'https:' && (u.hostname.endsWith('.chromiumapp.org') || u.hostname.endsWith('.extensions.allizom.org'))) return true;
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

function pageError(status, code, message) {
  return { status, code, message };
}

function errorPage(ctx, e) {
  sendHtml(
    ctx,
    e.status,
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error ${e.status} (${escapeHtml(e.code)})</title></head>
<body><main>
<h1>Access blocked: Authorization Error</h1>
<p>${escapeHtml(e.message)}</p>
<p><strong>Error ${e.status}: ${escapeHtml(e.code)}</strong></p>
</main></body></html>
`,
  );
}

/** @param {string} redirectUri @param {Record<string, string | null>} values */
function redirectWithFragment(ctx, redirectUri, values) {
  const fragment = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) fragment.set(k, v);
  const location = `${redirectUri}#${fragment.toString().replace(/\+/g, '%20')}`;
  sendEmpty(ctx, 302, { Location: location, 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate' });
}

export class OAuth {
  /** @param {import('./store.mjs').Store} store @param {{ clientIds: string[], tokenLifetimeSeconds: number, appName: string }} config */
  constructor(store, config) {
    this.store = store;
    this.config = config;
  }

  /** GET /o/oauth2/v2/auth */
  authorize(/** @type {import('./http.mjs').Ctx} */ ctx) {
    const checked = checkRequest(ctx.url.searchParams, this.config);
    if (checked.error) return errorPage(ctx, checked.error);
    const r = /** @type {NonNullable<typeof checked.request>} */ (checked.request);
    ctx.log.clientId = r.clientId;
    const email = this.store.state.currentEmail;
    if (r.prompt.includes('none')) {
      const granted = this.store.consentedScopes(email, r.clientId);
      const hintOk = !r.loginHint || r.loginHint.toLowerCase() === email.toLowerCase();
      if (hintOk && r.scopes.every((s) => granted.includes(s))) return this.grant(ctx, r, 'none');
      return redirectWithFragment(ctx, r.redirectUri, { error: 'interaction_required', state: r.state });
    }
    return this.consentPage(ctx, r);
  }

  consentPage(ctx, r) {
    const account = this.store.account(this.store.state.currentEmail);
    const email = this.store.state.currentEmail;
    const hidden = [...ctx.url.searchParams]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('\n');
    const app = escapeHtml(this.config.appName);
    sendHtml(
      ctx,
      200,
      `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f0f4f9;margin:0;display:flex;justify-content:center}
main{background:#fff;border-radius:28px;padding:36px;margin:48px 16px;max-width:560px}
.account{border:1px solid #c4c7c5;border-radius:16px;padding:4px 12px;display:inline-block}
.note{font-size:13px;color:#444}
.actions{display:flex;justify-content:flex-end;gap:12px;margin-top:24px}
button{font:inherit;border-radius:20px;padding:10px 24px;border:1px solid #747775;background:#fff;cursor:pointer}
button[value=allow]{background:#0b57d0;color:#fff;border-color:#0b57d0}
</style></head>
<body><main>
<p>Sign in with Google (local Drive emulator)</p>
<h1>${app} wants access to your Google Account</h1>
<p class="account"><span id="account-name">${escapeHtml(account.name)}</span> · <span id="account-email">${escapeHtml(email)}</span></p>
<p>When you allow this access, ${app} will be able to:</p>
<ul>${r.scopes.map((s) => `<li>${escapeHtml(SCOPE_WORDS[s] ?? s)}</li>`).join('')}</ul>
<p class="note">Make sure you trust ${app}. You can review or remove access in your Google Account.</p>
<form method="post" action="/o/oauth2/v2/auth/decision">
${hidden}
<div class="actions">
<button type="submit" name="decision" value="deny">Cancel</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>
</main></body></html>
`,
      { 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', 'X-Frame-Options': 'DENY' },
    );
  }

  /** POST /o/oauth2/v2/auth/decision: the Allow or Cancel button of the consent page. */
  async decide(/** @type {import('./http.mjs').Ctx} */ ctx) {
    const form = await readFormBody(ctx);
    const decision = form.get('decision');
    form.delete('decision');
    const checked = checkRequest(form, this.config);
    if (checked.error) return errorPage(ctx, checked.error);
    const r = /** @type {NonNullable<typeof checked.request>} */ (checked.request);
    ctx.log.clientId = r.clientId;
    if (decision !== 'allow') return redirectWithFragment(ctx, r.redirectUri, { error: 'access_denied', state: r.state });
    this.store.addConsent(this.store.state.currentEmail, r.clientId, r.scopes);
    return this.grant(ctx, r, 'consent');
  }

  grant(ctx, r, prompt) {
    const email = this.store.state.currentEmail;
    const scopes = r.includeGranted ? [...new Set([...this.store.consentedScopes(email, r.clientId), ...r.scopes])] : r.scopes;
    const { token } = this.store.issueToken({
      clientId: r.clientId,
      email,
      scopes,
      lifetimeSeconds: this.config.tokenLifetimeSeconds,
    });
    return redirectWithFragment(ctx, r.redirectUri, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: String(this.config.tokenLifetimeSeconds),
      scope: scopes.join(' '),
      state: r.state,
      authuser: '0',
      prompt,
    });
  }

  /** The token parameter of tokeninfo/revoke: query string or form body. */
  async tokenParam(ctx, name) {
    let value = ctx.url.searchParams.get(name);
    if (value === null && ctx.req.method === 'POST') value = (await readFormBody(ctx)).get(name);
    return value;
  }

  /** GET|POST https://oauth2.googleapis.com/tokeninfo?access_token=… */
  async tokeninfo(/** @type {import('./http.mjs').Ctx} */ ctx) {
    const token = await this.tokenParam(ctx, 'access_token');
    const r = token ? this.store.liveToken(token) : undefined;
    if (!r) return sendJson(ctx, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    ctx.log.clientId = r.clientId;
    /** @type {Record<string, string>} */
    const body = {
      azp: r.clientId,
      aud: r.clientId,
      sub: subjectOf(r.email),
      scope: r.scopes.join(' '),
      exp: String(Math.floor(r.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((r.expiresAt - Date.now()) / 1000))),
      access_type: 'online',
    };
    if (r.scopes.includes(SCOPE_ALIASES.email)) {
      body.email = r.email;
      body.email_verified = 'true';
    }
    return sendJson(ctx, 200, body);
  }

  /** POST https://oauth2.googleapis.com/revoke?token=… (also the old GET on accounts.google.com) */
  async revoke(/** @type {import('./http.mjs').Ctx} */ ctx) {
    const token = await this.tokenParam(ctx, 'token');
    if (!token || !this.store.revokeGrant(token)) {
      return sendJson(ctx, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    }
    return sendJson(ctx, 200, {});
  }

  /** GET https://www.googleapis.com/oauth2/v3/userinfo (OpenID profile of the token's account) */
  userinfo(/** @type {import('./http.mjs').Ctx} */ ctx, /** @type {import('./store.mjs').TokenRecord} */ r) {
    const account = this.store.account(r.email);
    /** @type {Record<string, unknown>} */
    const body = { sub: subjectOf(r.email) };
    if (r.scopes.includes(SCOPE_ALIASES.profile)) {
      body.name = account.name;
      body.picture = 'https://lh3.googleusercontent.com/a/default-user=s96-c';
    }
    if (r.scopes.includes(SCOPE_ALIASES.email)) {
      body.email = r.email;
      body.email_verified = true;
    }
    return sendJson(ctx, 200, body);
  }
}
