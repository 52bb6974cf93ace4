// The emulator's control panel: the same operations as methods (in-process) and over HTTP under
// /__admin/ (from another process, e.g. a Playwright test talking to the CLI's emulator).
import fs from 'node:fs';
import { FOLDER_MIME } from './store.mjs';
import { FaultSpecError } from './faults.mjs';

export const DEFAULT_CLIENT_ID = 'chatseal-local-test.apps.googleusercontent.com';
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';

/** @param {any} emu the emulator's parts (store, faults, uploads, logEntries, network, options) */
export function createAdmin(emu) {
  const { store } = emu;
  const current = () => store.state.currentEmail;

  const admin = {
    /** @param {unknown} spec */
    addFault: (spec) => {
      const id = emu.faults.add(spec);
      if (emu.faults.cutArmed()) emu.closeIdleConnections();
      return id;
    },
    faults: () => emu.faults.list(),
    clearFaults: () => emu.faults.clear(),

    expireTokens: () => store.expireAllTokens(),
    /** A token as if the user had signed in (for tests of clients that skip the browser flow). */
    issueToken: (o = {}) => {
      const email = o.email ?? current();
      store.account(email);
      const clientId = o.clientId ?? emu.options.clientIds[0];
      const scopes = o.scopes ?? [DRIVE_FILE_SCOPE];
      const { token, record } = store.issueToken({
        clientId,
        email,
        scopes,
        lifetimeSeconds: o.expiresIn ?? emu.options.tokenLifetimeSeconds,
      });
      return { accessToken: token, expiresAt: record.expiresAt, scope: scopes.join(' '), clientId, email };
    },
    /** Records consent, so `prompt=none` succeeds without the consent page. */
    grantConsent: (o = {}) => store.addConsent(o.email ?? current(), o.clientId ?? emu.options.clientIds[0], o.scopes ?? [DRIVE_FILE_SCOPE]),
    forgetConsents: () => store.forgetConsents(),

    account: () => ({ email: current(), name: store.account(current()).name }),
    /** The account the consent page signs in as from now on (another Google account). */
    setAccount: (a) => {
      if (!a || typeof a.email !== 'string' || typeof a.name !== 'string') throw new FaultSpecError('account needs email and name');
      store.useAccount(a, undefined);
      return admin.account();
    },

    quota: () => {
      const a = store.account(current());
      return { limitBytes: a.limitBytes, usageBytes: store.usage(current()), extraUsedBytes: a.extraUsedBytes };
    },
    /** limitBytes: the account's quota; usedBytes: bytes counted as used besides its files. */
    setQuota: (o = {}) => {
      const a = store.account(current());
      if (o.limitBytes !== undefined) a.limitBytes = o.limitBytes;
      if (o.usedBytes !== undefined) a.extraUsedBytes = o.usedBytes;
      store.saveState();
      return admin.quota();
    },
    fillQuota: () => {
      const a = store.account(current());
      a.extraUsedBytes = 0;
      a.extraUsedBytes = Math.max(0, a.limitBytes - store.usage(current()));
      store.saveState();
      return admin.quota();
    },
    freeQuota: () => admin.setQuota({ usedBytes: 0 }),

    network: () => ({ ...emu.network }),
    /** bytesPerSecond: read upload chunks no faster than this (null: full speed); latencyMs before each answer. */
    setNetwork: (o = {}) => {
      if (o.bytesPerSecond !== undefined) emu.network.bytesPerSecond = o.bytesPerSecond;
      if (o.latencyMs !== undefined) emu.network.latencyMs = o.latencyMs;
      return admin.network();
    },

    log: () => emu.logEntries.map((e) => ({ ...e })),
    /** Per resumable session, from the log: chunks, status queries, bytes sent again, faults. */
    uploadStats: () => uploadStats(emu.logEntries),
    clearLog: () => {
      emu.logEntries.length = 0;
    },

    files: () =>
      [...store.files.values()]
        .sort((a, b) => a.seq - b.seq)
        .map((f) => ({
          id: f.id,
          name: f.name,
          path: pathOf(store, f),
          mimeType: f.mimeType,
          parents: f.parents,
          size: f.mimeType === FOLDER_MIME ? null : f.size ?? 0,
          md5Checksum: f.mimeType === FOLDER_MIME ? null : store.legacySums(f).md5,
          sha256Checksum: f.sha256 ?? null,
          appProperties: f.appProperties ?? {},
          properties: f.properties ?? {},
          createdTime: f.createdTime,
          modifiedTime: f.modifiedTime,
          trashed: f.trashed,
          owner: f.owner,
          clientId: f.clientId,
        })),
    /** @param {string} id */
    fileContent: (id) => {
      if (!store.files.has(id)) throw new FaultSpecError(`no file ${id}`);
      return fs.readFileSync(store.contentPath(id));
    },
    uploads: () => [...store.sessions.values()].map((s) => ({ ...s })),
    /** Every resumable session is forgotten: its URI answers 404 from now on. */
    expireUploads: () => {
      store.expireAllSessions();
      emu.uploads.sums.clear();
    },

    /** Back to a fresh emulator: no files, sessions, tokens, consents, faults or log. */
    reset: () => {
      store.wipe();
      store.useAccount(emu.options.account, emu.options.quotaBytes);
      emu.faults.clear();
      emu.logEntries.length = 0;
      emu.network.bytesPerSecond = null;
      emu.network.latencyMs = 0;
      emu.uploads.sums.clear();
    },
  };
  return admin;
}

/**
 * Reads the log as a test asks it: for each session, how many chunks and status queries, how many
 * bytes arrived for a range that had arrived before (sent again), and which faults hit it.
 * @param {import('./http.mjs').LogEntry[]} entries
 */
export function uploadStats(entries) {
  /** @type {Map<string, { uploadId: string, chunks: number, statusQueries: number, bytesReceived: number, bytesKept: number, bytesResent: number, faults: string[], completed: boolean }>} */
  const stats = new Map();
  /** @type {Map<string, number>} */
  const reached = new Map();
  for (const e of entries) {
    if (!e.uploadId || e.method === 'OPTIONS') continue;
    let s = stats.get(e.uploadId);
    if (!s) {
      s = { uploadId: e.uploadId, chunks: 0, statusQueries: 0, bytesReceived: 0, bytesKept: 0, bytesResent: 0, faults: [], completed: false };
      stats.set(e.uploadId, s);
    }
    if (e.fault) s.faults.push(e.fault);
    if (e.statusQuery) {
      s.statusQueries += 1;
      continue;
    }
    const m = /^bytes (\d+)-\d+\//.exec(e.contentRange ?? '');
    if (e.method === 'POST' && !m) continue; // the initiation
    s.chunks += 1;
    s.bytesReceived += e.bytesReceived;
    s.bytesKept += e.bytesKept ?? 0;
    const start = m ? Number(m[1]) : 0;
    const before = reached.get(e.uploadId) ?? 0;
    s.bytesResent += Math.max(0, Math.min(before, start + e.bytesReceived) - start);
    reached.set(e.uploadId, Math.max(before, start + e.bytesReceived));
    if (e.status === 200 || e.status === 201) s.completed = true;
  }
  return [...stats.values()];
}

function pathOf(store, f) {
  const names = [f.name];
  let parent = f.parents[0];
  for (let guard = 0; parent && guard < 64; guard++) {
    const p = store.files.get(parent);
    if (!p) break;
    names.unshift(p.name);
    parent = p.parents[0];
  }
  return names.join('/');
}

/**
 * The admin API over HTTP. Answers JSON (file content as bytes); errors are 400 { error }.
 * @param {ReturnType<typeof createAdmin>} admin @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res @param {URL} url
 */
export async function adminHttp(admin, req, res, url) {
  const send = (status, body) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body ?? null));
    res.writeHead(status, {
      'Content-Type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
      'Content-Length': String(buf.length),
      'Cache-Control': 'no-store',
      Connection: 'close',
      ...(req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin } : {}),
    });
    res.end(buf);
  };
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : {};
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    const content = /^GET \/__admin\/files\/([^/]+)\/content$/.exec(route);
    if (content) return send(200, admin.fileContent(decodeURIComponent(/** @type {string} */ (content[1]))));
    switch (route) {
      case 'POST /__admin/faults': return send(200, { id: admin.addFault(body) });
      case 'GET /__admin/faults': return send(200, admin.faults());
      case 'DELETE /__admin/faults': return send(200, admin.clearFaults() ?? {});
      case 'POST /__admin/tokens': return send(200, admin.issueToken(body));
      case 'POST /__admin/tokens/expire': return send(200, admin.expireTokens() ?? {});
      case 'POST /__admin/consents': return send(200, admin.grantConsent(body) ?? {});
      case 'DELETE /__admin/consents': return send(200, admin.forgetConsents() ?? {});
      case 'GET /__admin/account': return send(200, admin.account());
      case 'POST /__admin/account': return send(200, admin.setAccount(body));
      case 'GET /__admin/quota': return send(200, admin.quota());
      case 'POST /__admin/quota': return send(200, admin.setQuota(body));
      case 'POST /__admin/quota/fill': return send(200, admin.fillQuota());
      case 'POST /__admin/quota/free': return send(200, admin.freeQuota());
      case 'GET /__admin/network': return send(200, admin.network());
      case 'POST /__admin/network': return send(200, admin.setNetwork(body));
      case 'GET /__admin/log': return send(200, admin.log());
      case 'DELETE /__admin/log': return send(200, admin.clearLog() ?? {});
      case 'GET /__admin/files': return send(200, admin.files());
      case 'GET /__admin/uploads': return send(200, admin.uploads());
      case 'GET /__admin/uploads/stats': return send(200, admin.uploadStats());
      case 'POST /__admin/uploads/expire': return send(200, admin.expireUploads() ?? {});
      case 'POST /__admin/reset': return send(200, admin.reset() ?? {});
    }
    return send(404, { error: `no admin route ${route}` });
  } catch (e) {
    return send(400, { error: e instanceof Error ? e.message : String(e) });
  }
}

