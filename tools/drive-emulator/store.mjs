// What the emulator remembers, on disk under `dir` so a restarted emulator still has it:
//   state.json             accounts, quota, issued tokens, consents
//   files/<id>.json|.bin   each file's metadata and content
//   uploads/<id>.json|.part  each resumable session and the bytes it has kept so far
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
export const DEFAULT_QUOTA = 15 * 1024 ** 3;
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Random base64url text, as Google's opaque ids look. */
export function randomText(bytes) {
  return crypto.randomBytes(bytes).toString('base64url');
}

function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.${randomText(4)}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * @typedef {{ id: string, seq: number, owner: string, clientId: string, name: string, mimeType: string,
 *   parents: string[], createdTime: string, modifiedTime: string, description?: string,
 *   appProperties?: Record<string,string>, properties?: Record<string,string>, trashed: boolean,
 *   starred: boolean, size?: number, md5?: string, sha1?: string, sha256?: string, version: number,
 *   originalFilename?: string }} FileMeta
 * @typedef {{ clientId: string, email: string, scopes: string[], issuedAt: number, expiresAt: number, revoked: boolean }} TokenRecord
 * @typedef {{ uploadId: string, owner: string, clientId: string, metadata: Record<string, any>,
 *   targetFileId: string | null, total: number | null, offset: number, createdAt: number,
 *   expiresAt: number, query: string, resultFileId: string | null, mimeType: string }} Session
 */

export class Store {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    this.filesDir = path.join(dir, 'files');
    this.uploadsDir = path.join(dir, 'uploads');
    fs.mkdirSync(this.filesDir, { recursive: true });
    fs.mkdirSync(this.uploadsDir, { recursive: true });
    const stateFile = path.join(dir, 'state.json');
    /** @type {{ currentEmail: string, accounts: Record<string, { name: string, rootId: string, limitBytes: number, extraUsedBytes: number }>, tokens: Record<string, TokenRecord>, consents: Record<string, string[]>, seq: number }} */
    this.state = fs.existsSync(stateFile)
      ? readJson(stateFile)
      : { currentEmail: '', accounts: {}, tokens: {}, consents: {}, seq: 0 };
    /** @type {Map<string, FileMeta>} */
    this.files = new Map();
    for (const name of fs.readdirSync(this.filesDir)) {
      if (name.endsWith('.json')) {
        const meta = readJson(path.join(this.filesDir, name));
        this.files.set(meta.id, meta);
      }
    }
    /** @type {Map<string, Session>} */
    this.sessions = new Map();
    for (const name of fs.readdirSync(this.uploadsDir)) {
      if (name.endsWith('.json')) {
        const s = readJson(path.join(this.uploadsDir, name));
        this.sessions.set(s.uploadId, s);
      }
    }
  }

  saveState() {
    writeJson(path.join(this.dir, 'state.json'), this.state);
  }

  nextSeq() {
    this.state.seq += 1;
    return this.state.seq;
  }

  // Accounts ---------------------------------------------------------------------------------

  /** @param {{ email: string, name: string }} account @param {number | undefined} quotaBytes */
  useAccount(account, quotaBytes) {
    const existing = this.state.accounts[account.email];
    this.state.accounts[account.email] = {
      name: account.name,
      rootId: existing?.rootId ?? `0A${randomText(12)}Uk9PVA`,
      limitBytes: quotaBytes ?? existing?.limitBytes ?? DEFAULT_QUOTA,
      extraUsedBytes: existing?.extraUsedBytes ?? 0,
    };
    this.state.currentEmail = account.email;
    this.saveState();
  }

  /** @param {string} email */
  account(email) {
    const a = this.state.accounts[email];
    if (!a) throw new Error(`unknown account ${email}`);
    return a;
  }

  /** Bytes used by an account: its files and any bytes the quota admin pretended to fill. */
  usage(email) {
    let used = this.account(email).extraUsedBytes;
    for (const f of this.files.values()) if (f.owner === email) used += f.size ?? 0;
    return used;
  }

  // Tokens and consents ----------------------------------------------------------------------

  /** @param {{ clientId: string, email: string, scopes: string[], lifetimeSeconds: number }} o */
  issueToken(o) {
    const token = `ya29.emu-${randomText(48)}`;
    const now = Date.now();
    this.state.tokens[token] = {
      clientId: o.clientId,
      email: o.email,
      scopes: o.scopes,
      issuedAt: now,
      expiresAt: now + o.lifetimeSeconds * 1000,
      revoked: false,
    };
    this.saveState();
    return { token, record: this.state.tokens[token] };
  }

  /** @param {string} token @returns {TokenRecord | undefined} a live token, or undefined */
  liveToken(token) {
    const r = this.state.tokens[token];
    if (!r || r.revoked || r.expiresAt <= Date.now()) return undefined;
    return r;
  }

  expireAllTokens() {
    const past = Date.now() - 1;
    for (const r of Object.values(this.state.tokens)) r.expiresAt = Math.min(r.expiresAt, past);
    this.saveState();
  }

  consentKey(email, clientId) {
    return `${email}\n${clientId}`;
  }

  consentedScopes(email, clientId) {
    return this.state.consents[this.consentKey(email, clientId)] ?? [];
  }

  addConsent(email, clientId, scopes) {
    const key = this.consentKey(email, clientId);
    this.state.consents[key] = [...new Set([...(this.state.consents[key] ?? []), ...scopes])];
    this.saveState();
  }

  /** Revoking one token revokes the grant: every token of that account and client, and the consent. */
  revokeGrant(token) {
    const r = this.state.tokens[token];
    if (!r || r.revoked || r.expiresAt <= Date.now()) return false;
    for (const other of Object.values(this.state.tokens)) {
      if (other.email === r.email && other.clientId === r.clientId) other.revoked = true;
    }
    delete this.state.consents[this.consentKey(r.email, r.clientId)];
    this.saveState();
    return true;
  }

  forgetConsents() {
    this.state.consents = {};
    this.saveState();
  }

  // Files ------------------------------------------------------------------------------------

  newFileId() {
    let id;
    do id = `1${randomText(24)}`;
    while (this.files.has(id));
    return id;
  }

  /** @param {FileMeta} meta */
  putFile(meta) {
    this.files.set(meta.id, meta);
    writeJson(path.join(this.filesDir, `${meta.id}.json`), meta);
  }

  contentPath(id) {
    return path.join(this.filesDir, `${id}.bin`);
  }

  /** md5 and sha1 of a file's content, computed on first request and kept in its metadata. */
  legacySums(meta) {
    if (meta.md5 === undefined || meta.sha1 === undefined) {
      const md5 = crypto.createHash('md5');
      const sha1 = crypto.createHash('sha1');
      const fd = fs.openSync(this.contentPath(meta.id), 'r');
      try {
        const buf = Buffer.allocUnsafe(8 << 20);
        for (;;) {
          const n = fs.readSync(fd, buf, 0, buf.length, null);
          if (n === 0) break;
          md5.update(buf.subarray(0, n));
          sha1.update(buf.subarray(0, n));
        }
      } finally {
        fs.closeSync(fd);
      }
      meta.md5 = md5.digest('hex');
      meta.sha1 = sha1.digest('hex');
      if (this.files.get(meta.id) === meta) this.putFile(meta);
    }
    return { md5: meta.md5, sha1: meta.sha1 };
  }

  removeFile(id) {
    this.files.delete(id);
    fs.rmSync(path.join(this.filesDir, `${id}.json`), { force: true });
    fs.rmSync(this.contentPath(id), { force: true });
  }

  // Upload sessions --------------------------------------------------------------------------

  /** @param {Omit<Session, 'uploadId' | 'offset' | 'createdAt' | 'expiresAt' | 'resultFileId'>} init */
  createSession(init) {
    const uploadId = `ADPycd${randomText(54)}`;
    const now = Date.now();
    /** @type {Session} */
    const s = { ...init, uploadId, offset: 0, createdAt: now, expiresAt: now + SESSION_LIFETIME_MS, resultFileId: null };
    fs.writeFileSync(this.partPath(uploadId), '');
    this.saveSession(s);
    return s;
  }

  /** @param {string} uploadId @returns {Session | undefined} a live session */
  session(uploadId) {
    const s = this.sessions.get(uploadId);
    if (!s || s.expiresAt <= Date.now()) return undefined;
    return s;
  }

  /** @param {Session} s */
  saveSession(s) {
    this.sessions.set(s.uploadId, s);
    writeJson(path.join(this.uploadsDir, `${s.uploadId}.json`), s);
  }

  partPath(uploadId) {
    return path.join(this.uploadsDir, `${uploadId}.part`);
  }

  removeSession(uploadId) {
    this.sessions.delete(uploadId);
    fs.rmSync(path.join(this.uploadsDir, `${uploadId}.json`), { force: true });
    fs.rmSync(this.partPath(uploadId), { force: true });
  }

  expireAllSessions() {
    for (const id of [...this.sessions.keys()]) this.removeSession(id);
  }

  /** Everything gone: files, sessions, tokens, consents, accounts. */
  wipe() {
    for (const id of [...this.files.keys()]) this.removeFile(id);
    this.expireAllSessions();
    this.state = { currentEmail: '', accounts: {}, tokens: {}, consents: {}, seq: 0 };
    this.saveState();
  }
}

/**
 * SHA-256 of an upload's bytes, fed in order as they arrive. Drive also reports md5 and sha1; those
 * are slow enough (md5 ~240 MiB/s) to cap upload speed, so they are computed only when asked for
 * (`legacySums`).
 */
export class Checksums {
  constructor() {
    this.sha256 = crypto.createHash('sha256');
    this.bytes = 0;
  }
  /** @param {Uint8Array} buf */
  update(buf) {
    this.sha256.update(buf);
    this.bytes += buf.length;
  }
  digest() {
    return this.sha256.digest('hex');
  }
  /** @param {string} file @param {number} length */
  static async ofFile(file, length) {
    const sums = new Checksums();
    if (length > 0) {
      for await (const buf of fs.createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1 << 20 })) sums.update(buf);
    }
    return sums;
  }
}
