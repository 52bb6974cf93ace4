// A local Google Drive: the Drive v3 subset ChatSeal uses and Google's OAuth endpoints for browser
// apps, on one HTTP(S) server that answers www.googleapis.com, accounts.google.com and
// oauth2.googleapis.com by Host header. Files live on disk under `dir`. See docs/DRIVE-EMULATOR.md.
import http from 'node:http';
import https from 'node:https';
import { adminHttp, createAdmin, DEFAULT_CLIENT_ID } from './admin.mjs';
import { about, authenticate, createFile, deleteFile, getFile, listFiles, updateFile } from './drive.mjs';
import { ApiError, defaultMessage, googleError, htmlErrorPage } from './errors.mjs';
import { Faults, describeFault } from './faults.mjs';
import { drain, preflight, sendApiError, sendHtml, sendJson, sleep } from './http.mjs';
import { OAuth } from './oauth.mjs';
import { Store } from './store.mjs';
import { Uploads } from './upload.mjs';

export { DEFAULT_CLIENT_ID };

const API_HOSTS = new Set(['www.googleapis.com', 'content.googleapis.com']);
const ACCOUNTS_HOST = 'accounts.google.com';
const OAUTH2_HOST = 'oauth2.googleapis.com';
const GOOGLE_HOSTS = new Set([...API_HOSTS, ACCOUNTS_HOST, OAUTH2_HOST]);
const REDACTED_PARAMS = ['access_token', 'token'];
const MAX_LOG = 100_000;
/** Requests each connection has carried. @type {WeakMap<import('node:net').Socket, number>} */
const servedOn = new WeakMap();

/** @param {import('./index.d.mts').DriveEmulatorOptions} options */
export async function startDriveEmulator(options) {
  if (!options || !options.dir) throw new Error('startDriveEmulator: `dir` (where files are kept) is required');
  const tls = options.tls ?? true;
  const opts = {
    dir: options.dir,
    clientIds: options.clientIds ?? [DEFAULT_CLIENT_ID],
    account: options.account ?? { email: 'maya@example.com', name: 'Maya Example' },
    quotaBytes: options.quotaBytes,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    appName: options.appName ?? 'ChatSeal',
  };
  const store = new Store(opts.dir);
  store.useAccount(opts.account, opts.quotaBytes);
  const emu = {
    options: opts,
    store,
    faults: new Faults(),
    uploads: new Uploads(store),
    oauth: new OAuth(store, opts),
    /** @type {import('./http.mjs').LogEntry[]} */
    logEntries: [],
    network: { bytesPerSecond: /** @type {number | null} */ (null), latencyMs: 0 },
    seq: 0,
    closeIdleConnections: () => {},
  };
  const admin = createAdmin(emu);

  /** @type {http.RequestListener} */
  const listener = (req, res) => {
    handle(emu, admin, req, res, tls).catch((e) => {
      console.error('[drive-emulator] unexpected error', e);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(googleError(500, { reason: 'backendError', message: 'Backend Error' })));
      } else {
        res.destroy();
      }
    });
  };
  const { testTls } = tls ? await import('../tls/index.mjs') : { testTls: null };
  const server = testTls ? https.createServer({ cert: testTls.cert, key: testTls.key }, listener) : http.createServer(listener);
  emu.closeIdleConnections = () => server.closeIdleConnections();
  // Big chunks over slow links must not hit Node's default 5-minute request timeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    hostMap: { 'www.googleapis.com': port, 'accounts.google.com': port, 'oauth2.googleapis.com': port },
    admin,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {any} emu @param {ReturnType<typeof createAdmin>} admin
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {boolean} tls
 */
async function handle(emu, admin, req, res, tls) {
  const hostHeader = req.headers.host ?? '127.0.0.1';
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  const base = `${tls ? 'https' : 'http'}://${hostHeader}`;
  const url = new URL(req.url ?? '/', base);
  // Chromium silently re-sends an idempotent request (a chunk PUT) that fails on a reused
  // keep-alive connection before any answer, so a cut there would never reach the client: cuts
  // hit only a connection's first request. Arming one closes the idle connections, and while one
  // is armed every connection serves one request, so the next ones come on fresh connections.
  const served = servedOn.get(req.socket) ?? 0;
  servedOn.set(req.socket, served + 1);
  if (emu.faults.cutArmed()) res.setHeader('Connection', 'close');
  if (url.pathname.startsWith('/__admin/')) return adminHttp(admin, req, res, url);

  const query = Object.fromEntries(url.searchParams);
  for (const k of REDACTED_PARAMS) if (k in query) query[k] = '(redacted)';
  /** @type {import('./http.mjs').Ctx} */
  const ctx = {
    freshConnection: served === 0,
    req,
    res,
    url,
    host,
    base,
    started: Date.now(),
    auth: null,
    cutRequestAfter: null,
    cutResponseAfter: null,
    keepBytes: null,
    throttle: emu.network.bytesPerSecond,
    log: {
      seq: ++emu.seq,
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      host,
      path: url.pathname,
      query,
      status: 0,
      contentRange: null,
      range: null,
      bytesReceived: 0,
      bytesKept: null,
      statusQuery: false,
      uploadId: url.searchParams.get('upload_id'),
      clientId: null,
      fault: null,
      cut: false,
      durationMs: 0,
    },
  };
  // An entry is complete when the answer is out (or the connection gone) and the handler is done
  // (a cut chunk still records what it kept after the socket closed).
  let pending = 2;
  const settle = () => {
    pending -= 1;
    if (pending > 0) return;
    emu.logEntries.push(ctx.log);
    if (emu.logEntries.length > MAX_LOG) emu.logEntries.shift();
  };
  res.on('close', () => {
    ctx.log.durationMs = Date.now() - ctx.started;
    if (!res.writableFinished && !ctx.log.cut) ctx.log.cut = true;
    settle();
  });
  try {
    await serve(emu, ctx);
  } catch (e) {
    console.error('[drive-emulator] unexpected error', e);
    if (res.headersSent) res.destroy();
    else sendJson(ctx, 500, googleError(500, { reason: 'backendError', message: 'Backend Error' }));
  } finally {
    settle();
  }
}

/** @param {any} emu @param {import('./http.mjs').Ctx} ctx */
async function serve(emu, ctx) {
  const { req, res, url } = ctx;

  if (req.method === 'OPTIONS') {
    ctx.log.status = 200;
    return preflight(req, res);
  }
  try {
    if (emu.network.latencyMs > 0) await sleep(emu.network.latencyMs);
    const route = resolveRoute(emu, ctx);
    if (!route) return notFound(ctx);
    if (route.auth === 'required' || (route.auth === 'optional' && (req.headers.authorization || url.searchParams.has('access_token')))) {
      authenticate(ctx, emu.store, { driveScope: route.driveScope ?? true });
    }
    if (await applyFault(emu, ctx, route)) return;
    await route.run();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (req.socket.destroyed) return;
    await drain(ctx);
    if (!res.headersSent) sendApiError(ctx, e);
  }
}

/**
 * @typedef {{ auth: 'required' | 'optional' | 'none', driveScope?: boolean, run: () => unknown,
 *   session?: string }} Route
 * @returns {Route | null}
 */
function resolveRoute(emu, ctx) {
  const { store, uploads, oauth } = emu;
  const method = ctx.req.method;
  const path = ctx.url.pathname;
  const local = !GOOGLE_HOSTS.has(ctx.host);
  const api = local || API_HOSTS.has(ctx.host);
  const accounts = local || ctx.host === ACCOUNTS_HOST;
  const oauth2 = local || ctx.host === OAUTH2_HOST;

  if (api) {
    const file = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
    const uploadFile = /^\/upload\/drive\/v3\/files(?:\/([^/]+))?$/.exec(path);
    const uploadId = ctx.url.searchParams.get('upload_id');
    if (uploadFile && uploadId !== null) {
      return { auth: 'optional', session: uploadId, run: () => uploads.session(ctx, uploadId) };
    }
    if (uploadFile) {
      const id = uploadFile[1] ? decodeURIComponent(uploadFile[1]) : null;
      if ((id === null && method === 'POST') || (id !== null && method === 'PATCH')) {
        return { auth: 'required', run: () => uploads.start(ctx, id) };
      }
    }
    if (path === '/drive/v3/files') {
      if (method === 'GET') return { auth: 'required', run: () => listFiles(ctx, store) };
      if (method === 'POST') return { auth: 'required', run: () => createFile(ctx, store) };
    }
    if (file) {
      const id = decodeURIComponent(/** @type {string} */ (file[1]));
      if (method === 'GET') return { auth: 'required', run: () => getFile(ctx, store, id) };
      if (method === 'PATCH') return { auth: 'required', run: () => updateFile(ctx, store, id) };
      if (method === 'DELETE') return { auth: 'required', run: () => deleteFile(ctx, store, id) };
    }
    if (path === '/drive/v3/about' && method === 'GET') return { auth: 'required', run: () => about(ctx, store) };
    if (path === '/oauth2/v3/userinfo' && method === 'GET') {
      return {
        auth: 'required',
        driveScope: false,
        run: () => oauth.userinfo(ctx, store.liveToken(tokenOf(ctx))),
      };
    }
    if (path === '/oauth2/v3/tokeninfo' && (method === 'GET' || method === 'POST')) return { auth: 'none', run: () => oauth.tokeninfo(ctx) };
  }
  if (accounts) {
    if ((path === '/o/oauth2/v2/auth' || path === '/o/oauth2/auth') && method === 'GET') return { auth: 'none', run: () => oauth.authorize(ctx) };
    if (path === '/o/oauth2/v2/auth/decision' && method === 'POST') return { auth: 'none', run: () => oauth.decide(ctx) };
    if (path === '/o/oauth2/revoke' && (method === 'GET' || method === 'POST')) return { auth: 'none', run: () => oauth.revoke(ctx) };
    // Chromium asks which Google accounts are signed in whenever it opens an accounts.google.com
    // page; none are, as far as the browser's own sign-in goes.
    if (path === '/ListAccounts' && method === 'POST') {
      return { auth: 'none', run: async () => { await drain(ctx); sendJson(ctx, 200, ['gaia.l.a.r', []]); } };
    }
  }
  if (oauth2) {
    if (path === '/tokeninfo' && (method === 'GET' || method === 'POST')) return { auth: 'none', run: () => oauth.tokeninfo(ctx) };
    if (path === '/revoke' && (method === 'GET' || method === 'POST')) return { auth: 'none', run: () => oauth.revoke(ctx) };
  }
  return null;
}

function tokenOf(ctx) {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  return m?.[1] ?? ctx.url.searchParams.get('access_token') ?? '';
}

async function notFound(ctx) {
  await drain(ctx);
  sendHtml(ctx, 404, htmlErrorPage(404, `The requested URL ${ctx.url.pathname} was not found on this server.`));
}

/**
 * Applies the first matching injected fault (after the auth checks). Returns true when the
 * request has been answered by the fault.
 * @param {any} emu @param {import('./http.mjs').Ctx} ctx @param {Route} route
 */
async function applyFault(emu, ctx, route) {
  if (emu.faults.active.length === 0) return false;
  const range = String(ctx.req.headers['content-range'] ?? '');
  const sessionRequest = route.session !== undefined && (ctx.req.method === 'PUT' || ctx.req.method === 'POST');
  const statusQuery = sessionRequest && (range.startsWith('bytes */') || (range === '' && ctx.req.headers['content-length'] === '0'));
  const session = route.session !== undefined ? emu.store.session(route.session) : undefined;
  const fault = emu.faults.take({
    method: ctx.req.method ?? 'GET',
    path: ctx.url.pathname,
    host: ctx.host,
    chunk: sessionRequest && !statusQuery,
    statusQuery,
    sessionOffset: session ? session.offset : null,
    freshConnection: ctx.freshConnection,
  });
  if (!fault) return false;
  ctx.log.fault = describeFault(fault.id, fault.action);
  const a = fault.action;
  if ('status' in a) {
    ctx.log.statusQuery = statusQuery;
    if (range) ctx.log.contentRange = range;
    await drain(ctx);
    /** @type {Record<string, string>} */
    const headers = a.retryAfter !== undefined ? { 'Retry-After': String(a.retryAfter) } : {};
    const message = a.message ?? defaultMessage(a.status);
    if (a.html) sendHtml(ctx, a.status, htmlErrorPage(a.status, message), headers);
    else sendJson(ctx, a.status, googleError(a.status, { reason: a.reason, message }), headers);
    return true;
  }
  if ('cutAfterBytes' in a) {
    if (sessionRequest && !statusQuery) ctx.cutRequestAfter = a.cutAfterBytes;
    else ctx.cutResponseAfter = a.cutAfterBytes;
  } else {
    ctx.keepBytes = a.keepBytes;
  }
  return false;
}
