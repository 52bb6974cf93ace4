// Drive v3 metadata endpoints: files.list/get/create/update/delete and about.get, as Google
// documents them for a token with the drive.file scope (an app sees only the files it created).
import fs from 'node:fs';
import crypto from 'node:crypto';
import { ApiError, errors } from './errors.mjs';
import {
  ABOUT_SCHEMA, DEFAULT_FILE_FIELDS, DEFAULT_LIST_FIELDS, FILE_LIST_SCHEMA, FILE_SCHEMA, pick, selection,
} from './fields.mjs';
import { corsHeaders, sendApiError, sendBuffer, sendEmpty, sendJson, readJsonBody, cut } from './http.mjs';
import { matches, parseOrderBy, parseQuery } from './query.mjs';
import { FOLDER_MIME } from './store.mjs';

const DRIVE_SCOPES = [
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/drive.appdata',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.metadata.readonly',
];
const FULL_SCOPE = 'https://www.googleapis.com/auth/drive';

/**
 * The bearer token of a request (Authorization header or access_token parameter) as the caller's
 * identity; 401 when missing or not live, 403 without a Drive scope.
 * @param {import('./http.mjs').Ctx} ctx @param {import('./store.mjs').Store} store
 */
export function authenticate(ctx, store, { driveScope = true } = {}) {
  const header = ctx.req.headers.authorization;
  let token = ctx.url.searchParams.get('access_token');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw errors.invalidCredentials();
    token = m[1];
  }
  if (!token) throw errors.loginRequired();
  const record = store.liveToken(token);
  if (!record) throw errors.invalidCredentials();
  ctx.log.clientId = record.clientId;
  if (driveScope && !record.scopes.some((s) => DRIVE_SCOPES.includes(s))) throw errors.insufficientScopes();
  ctx.auth = { email: record.email, clientId: record.clientId, full: record.scopes.includes(FULL_SCOPE), scopes: record.scopes };
  return ctx.auth;
}

/** @param {import('./store.mjs').FileMeta} meta @param {NonNullable<import('./http.mjs').Ctx['auth']>} auth */
export function canSee(meta, auth) {
  return meta.owner === auth.email && (auth.full || meta.clientId === auth.clientId);
}

function userResource(store, email) {
  const a = store.account(email);
  return {
    kind: 'drive#user',
    displayName: a.name,
    emailAddress: email,
    me: true,
    permissionId: crypto.createHash('sha256').update(email).digest('hex').slice(0, 20).replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10)),
    photoLink: 'https://lh3.googleusercontent.com/a/default-user=s64',
  };
}

function rootResource(store, email) {
  const a = store.account(email);
  return {
    kind: 'drive#file',
    id: a.rootId,
    name: 'My Drive',
    mimeType: FOLDER_MIME,
    trashed: false,
    explicitlyTrashed: false,
    starred: false,
    spaces: ['drive'],
    ownedByMe: true,
    owners: [userResource(store, email)],
    version: '1',
    webViewLink: 'https://drive.google.com/drive/my-drive',
  };
}

/** The full Drive file resource; `fields` picks from it. */
export function fileResource(store, meta, auth) {
  const user = userResource(store, meta.owner);
  const isFolder = meta.mimeType === FOLDER_MIME;
  /** @type {Record<string, unknown>} */
  const r = {
    kind: 'drive#file',
    id: meta.id,
    name: meta.name,
    mimeType: meta.mimeType,
    parents: meta.parents,
    createdTime: meta.createdTime,
    modifiedTime: meta.modifiedTime,
    modifiedByMeTime: meta.modifiedTime,
    viewedByMeTime: meta.modifiedTime,
    trashed: meta.trashed,
    explicitlyTrashed: meta.trashed,
    starred: meta.starred,
    spaces: ['drive'],
    version: String(meta.version),
    ownedByMe: true,
    owners: [user],
    lastModifyingUser: user,
    shared: false,
    viewersCanCopyContent: true,
    writersCanShare: true,
    capabilities: { canDelete: true, canDownload: !isFolder, canEdit: true, canTrash: true, canRename: true },
    quotaBytesUsed: String(meta.size ?? 0),
    iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${meta.mimeType}`,
    webViewLink: isFolder
      ? `https://drive.google.com/drive/folders/${meta.id}`
      : `https://drive.google.com/file/d/${meta.id}/view?usp=drivesdk`,
  };
  if (meta.description !== undefined) r.description = meta.description;
  // appProperties are private to the app that set them.
  if (meta.appProperties && Object.keys(meta.appProperties).length > 0 && meta.clientId === auth.clientId) {
    r.appProperties = meta.appProperties;
  }
  if (meta.properties && Object.keys(meta.properties).length > 0) r.properties = meta.properties;
  if (!isFolder) {
    r.size = String(meta.size ?? 0);
    r.sha256Checksum = meta.sha256;
    // Getters: md5/sha1 are computed only when a `fields` selection (or `*`) reads them.
    Object.defineProperty(r, 'md5Checksum', { enumerable: true, get: () => store.legacySums(meta).md5 });
    Object.defineProperty(r, 'sha1Checksum', { enumerable: true, get: () => store.legacySums(meta).sha1 });
    r.headRevisionId = `0B${meta.sha256?.slice(0, 24) ?? ''}`;
    r.webContentLink = `https://drive.google.com/uc?id=${meta.id}&export=download`;
    if (meta.originalFilename !== undefined) r.originalFilename = meta.originalFilename;
    const dot = meta.name.lastIndexOf('.');
    if (dot > 0) {
      r.fileExtension = meta.name.slice(dot + 1);
      r.fullFileExtension = meta.name.slice(meta.name.indexOf('.') + 1);
    }
  }
  return r;
}

/** A visible file (or the root folder) by id, else Google's 404. */
export function findFile(store, id, auth) {
  const meta = store.files.get(id);
  if (!meta || !canSee(meta, auth)) throw errors.fileNotFound(id);
  return meta;
}

const WRITABLE = new Set([
  'name', 'mimeType', 'parents', 'appProperties', 'properties', 'description', 'createdTime',
  'modifiedTime', 'starred', 'trashed', 'originalFilename',
]);

/**
 * Validates a metadata body for create (parents allowed) or update (parents must go through
 * addParents/removeParents, as in v3).
 * @param {Record<string, any>} body @param {'create' | 'update'} mode
 */
export function checkMetadata(body, mode) {
  for (const key of Object.keys(body)) {
    if (key in FILE_SCHEMA && !WRITABLE.has(key)) {
      throw new ApiError(403, { reason: 'fieldNotWritable', message: `The resource body includes fields which are not directly writable.` });
    }
    if (!WRITABLE.has(key)) throw errors.badRequest(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
  }
  if (mode === 'update' && body.parents !== undefined) {
    throw new ApiError(403, {
      reason: 'parentsNotWritable',
      message: 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.',
    });
  }
  for (const key of ['name', 'mimeType', 'description', 'originalFilename']) {
    if (body[key] !== undefined && typeof body[key] !== 'string') throw errors.badRequest(`Invalid value for ${key}`);
  }
  for (const key of ['createdTime', 'modifiedTime']) {
    if (body[key] !== undefined && (typeof body[key] !== 'string' || Number.isNaN(Date.parse(body[key])))) {
      throw errors.badRequest(`Invalid value for ${key}`);
    }
  }
  if (body.parents !== undefined && (!Array.isArray(body.parents) || body.parents.some((p) => typeof p !== 'string'))) {
    throw errors.badRequest('Invalid value for parents');
  }
  if (Array.isArray(body.parents) && body.parents.length > 1) {
    throw new ApiError(403, {
      reason: 'cannotAddParent',
      message: 'Increasing the number of parents is not allowed. A file can only have one parent.',
    });
  }
  for (const key of ['appProperties', 'properties']) {
    const map = body[key];
    if (map === undefined) continue;
    if (map === null || typeof map !== 'object' || Array.isArray(map)) throw errors.badRequest(`Invalid value for ${key}`);
    for (const [k, v] of Object.entries(map)) {
      if (v === null && mode === 'update') continue;
      if (typeof v !== 'string') throw errors.badRequest(`Invalid value for ${key}.${k}`);
      if (Buffer.byteLength(k) + Buffer.byteLength(v) > 124) {
        throw errors.badRequest(`The limit for property key-value pairs is 124 bytes (UTF-8) combined: ${k}`);
      }
    }
  }
}

/** The parent folder ids for a new file, each resolved and checked visible. */
export function resolveParents(store, parents, auth) {
  const rootId = store.account(auth.email).rootId;
  if (!parents || parents.length === 0) return [rootId];
  return parents.map((p) => {
    if (p === 'root' || p === rootId) return rootId;
    const meta = findFile(store, p, auth);
    if (meta.mimeType !== FOLDER_MIME) throw errors.badRequest(`The specified parent is not a folder: ${p}`);
    return meta.id;
  });
}

/**
 * A new file's metadata from a validated body.
 * @returns {import('./store.mjs').FileMeta}
 */
export function newFileMeta(store, body, auth, { defaultMime = 'application/octet-stream', defaultName = 'Untitled' } = {}) {
  const now = new Date().toISOString();
  return {
    id: store.newFileId(),
    seq: store.nextSeq(),
    owner: auth.email,
    clientId: auth.clientId,
    name: body.name ?? defaultName,
    mimeType: body.mimeType ?? defaultMime,
    parents: resolveParents(store, body.parents, auth),
    createdTime: body.createdTime ? new Date(body.createdTime).toISOString() : now,
    modifiedTime: body.modifiedTime ? new Date(body.modifiedTime).toISOString() : now,
    ...(body.description !== undefined ? { description: body.description } : {}),
    appProperties: body.appProperties ?? {},
    properties: body.properties ?? {},
    trashed: body.trashed === true,
    starred: body.starred === true,
    version: 1,
    ...(body.originalFilename !== undefined || body.name !== undefined ? { originalFilename: body.originalFilename ?? body.name } : {}),
  };
}

/** Applies an update body (appProperties/properties merge; null deletes a key). */
export function applyUpdate(meta, body) {
  for (const key of ['name', 'mimeType', 'description', 'originalFilename']) if (body[key] !== undefined) meta[key] = body[key];
  for (const key of ['starred', 'trashed']) if (body[key] !== undefined) meta[key] = body[key] === true;
  for (const key of ['appProperties', 'properties']) {
    if (!body[key]) continue;
    const map = { ...(meta[key] ?? {}) };
    for (const [k, v] of Object.entries(body[key])) {
      if (v === null) delete map[k];
      else map[k] = v;
    }
    meta[key] = map;
  }
  if (body.createdTime) meta.createdTime = new Date(body.createdTime).toISOString();
  meta.modifiedTime = body.modifiedTime ? new Date(body.modifiedTime).toISOString() : new Date().toISOString();
  meta.version += 1;
}

/** @param {import('./http.mjs').Ctx} ctx */
export function fileSelection(ctx) {
  return selection(ctx.url.searchParams.get('fields'), FILE_SCHEMA, DEFAULT_FILE_FIELDS);
}

/** @param {import('./http.mjs').Ctx} ctx */
export function sendFile(ctx, store, meta, status = 200) {
  sendJson(ctx, status, pick(fileResource(store, meta, ctx.auth), fileSelection(ctx)));
}

// Handlers ------------------------------------------------------------------------------------

/** GET /drive/v3/files */
export function listFiles(ctx, store) {
  const auth = ctx.auth;
  const p = ctx.url.searchParams;
  const fields = selection(p.get('fields'), FILE_LIST_SCHEMA, DEFAULT_LIST_FIELDS);
  const spaces = (p.get('spaces') ?? 'drive').split(',').map((s) => s.trim());
  if (spaces.includes('appDataFolder')) throw errors.insufficientScopes();
  if (spaces.some((s) => s !== 'drive')) throw errors.invalidParameter('spaces', `Invalid value for spaces: ${p.get('spaces')}`);
  const pageSizeText = p.get('pageSize');
  const pageSize = pageSizeText === null ? 100 : Number(pageSizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw errors.invalidParameter('pageSize', `Invalid value '${pageSizeText}'. Values must be within the range: [1, 1000]`);
  }
  const q = p.get('q');
  const query = q ? parseQuery(q) : null;
  const orderBy = p.get('orderBy');
  // Without orderBy Drive's order is unspecified; newest modified first here, stable by creation.
  const order = orderBy ? parseOrderBy(orderBy) : parseOrderBy('modifiedTime desc');
  const rootId = store.account(auth.email).rootId;
  const all = [...store.files.values()]
    .filter((f) => canSee(f, auth))
    .filter((f) => !query || matches(query, f, { rootId, email: auth.email }))
    .sort(order);
  const queryKey = crypto.createHash('sha256').update(`${q}\n${orderBy}\n${auth.email}\n${auth.clientId}`).digest('base64url').slice(0, 12);
  let start = 0;
  const token = p.get('pageToken');
  if (token) {
    try {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (t.k !== queryKey || !Number.isInteger(t.o) || t.o < 0) throw new Error('stale');
      start = t.o;
    } catch {
      throw errors.invalidParameter('pageToken', 'Invalid Value');
    }
  }
  const page = all.slice(start, start + pageSize);
  /** @type {Record<string, unknown>} */
  const body = { kind: 'drive#fileList', incompleteSearch: false };
  if (start + pageSize < all.length) {
    body.nextPageToken = Buffer.from(JSON.stringify({ o: start + pageSize, k: queryKey })).toString('base64url');
  }
  body.files = page.map((f) => fileResource(store, f, auth));
  sendJson(ctx, 200, pick(body, fields));
}

/** GET /drive/v3/files/:id (metadata, or alt=media content with Range) */
export function getFile(ctx, store, id) {
  const auth = ctx.auth;
  const alt = ctx.url.searchParams.get('alt') ?? 'json';
  const rootId = store.account(auth.email).rootId;
  if (id === 'root' || id === rootId) {
    if (alt === 'media') throw notDownloadable();
    sendJson(ctx, 200, pick(rootResource(store, auth.email), fileSelection(ctx)));
    return;
  }
  const meta = findFile(store, id, auth);
  if (alt === 'json') {
    sendFile(ctx, store, meta);
    return;
  }
  if (alt !== 'media') throw errors.invalidParameter('alt', `Invalid value for alt: ${alt}`);
  if (meta.mimeType === FOLDER_MIME || meta.mimeType.startsWith('application/vnd.google-apps.')) throw notDownloadable();
  sendContent(ctx, store, meta);
}

function notDownloadable() {
  return new ApiError(403, {
    reason: 'fileNotDownloadable',
    message: 'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
    location: 'alt',
    locationType: 'parameter',
  });
}

/** Streams a file's bytes; `Range: bytes=a-b` → 206 with Content-Range, unsatisfiable → 416. */
function sendContent(ctx, store, meta) {
  const size = meta.size ?? 0;
  const rangeHeader = ctx.req.headers.range ?? null;
  ctx.log.range = rangeHeader;
  let start = 0;
  let end = size - 1;
  let status = 200;
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': meta.mimeType, 'Accept-Ranges': 'bytes' };
  if (rangeHeader) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(Number(m[2]), size - 1);
      }
      if (start >= size || start > end) {
        sendBuffer(ctx, 416, Buffer.from('Request range not satisfiable'), {
          'Content-Range': `bytes */${size}`,
          'Content-Type': 'text/plain; charset=utf-8',
        });
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  const length = Math.max(0, end - start + 1);
  ctx.log.status = status;
  ctx.res.writeHead(status, { ...headers, 'Content-Length': String(length), ...corsHeaders(ctx.req) });
  if (length === 0) {
    ctx.res.end();
    return;
  }
  const limit = ctx.cutResponseAfter;
  const readEnd = limit !== null ? Math.min(end, start + limit - 1) : end;
  if (limit !== null && limit <= 0) {
    cut(ctx);
    return;
  }
  const stream = fs.createReadStream(store.contentPath(meta.id), { start, end: readEnd, highWaterMark: 1 << 20 });
  stream.on('error', () => cut(ctx));
  if (limit !== null) {
    stream.pipe(ctx.res, { end: false });
    stream.on('end', () => cut(ctx));
  } else {
    stream.pipe(ctx.res);
  }
}

/** POST /drive/v3/files (metadata only, e.g. a folder) */
export async function createFile(ctx, store) {
  const body = await readJsonBody(ctx);
  checkMetadata(body, 'create');
  const meta = newFileMeta(store, body, ctx.auth);
  if (meta.mimeType !== FOLDER_MIME) {
    meta.size = 0;
    meta.sha256 = crypto.createHash('sha256').update('').digest('hex');
    fs.writeFileSync(store.contentPath(meta.id), '');
  }
  store.putFile(meta);
  sendFile(ctx, store, meta);
}

/** PATCH /drive/v3/files/:id (metadata; addParents/removeParents) */
export async function updateFile(ctx, store, id) {
  const meta = findFile(store, id, ctx.auth);
  const body = await readJsonBody(ctx);
  checkMetadata(body, 'update');
  applyUpdate(meta, body);
  moveParents(ctx, store, meta);
  store.putFile(meta);
  sendFile(ctx, store, meta);
}

export function moveParents(ctx, store, meta) {
  const add = ctx.url.searchParams.get('addParents');
  const remove = ctx.url.searchParams.get('removeParents');
  if (remove) {
    const rootId = store.account(ctx.auth.email).rootId;
    const ids = remove.split(',').map((p) => (p === 'root' ? rootId : p));
    meta.parents = meta.parents.filter((p) => !ids.includes(p));
  }
  if (add) {
    const ids = resolveParents(store, add.split(','), ctx.auth);
    meta.parents = [...new Set([...meta.parents, ...ids])];
    if (meta.parents.length > 1) {
      throw new ApiError(403, {
        reason: 'cannotAddParent',
        message: 'Increasing the number of parents is not allowed. A file can only have one parent.',
      });
    }
  }
}

/** DELETE /drive/v3/files/:id → 204; a folder takes its contents with it. */
export function deleteFile(ctx, store, id) {
  const meta = findFile(store, id, ctx.auth);
  const doomed = [meta.id];
  for (let i = 0; i < doomed.length; i++) {
    for (const f of store.files.values()) {
      if (f.owner === meta.owner && f.parents.includes(/** @type {string} */ (doomed[i])) && !doomed.includes(f.id)) doomed.push(f.id);
    }
  }
  for (const d of doomed) store.removeFile(d);
  sendEmpty(ctx, 204);
}

/** GET /drive/v3/about — `fields` is required, as on Google. */
export function about(ctx, store) {
  const param = ctx.url.searchParams.get('fields');
  if (param === null) {
    throw new ApiError(400, {
      reason: 'required',
      message: "The 'fields' parameter is required for this method.",
      location: 'fields',
      locationType: 'parameter',
    });
  }
  const tree = selection(param, ABOUT_SCHEMA, DEFAULT_FILE_FIELDS);
  const email = ctx.auth.email;
  const a = store.account(email);
  const usage = store.usage(email);
  const body = {
    kind: 'drive#about',
    user: userResource(store, email),
    storageQuota: { limit: String(a.limitBytes), usage: String(usage), usageInDrive: String(usage), usageInDriveTrash: '0' },
    maxUploadSize: String(5 * 1024 ** 4),
    appInstalled: false,
    canCreateDrives: false,
    importFormats: {},
    exportFormats: {},
  };
  sendJson(ctx, 200, pick(body, tree));
}

export { sendApiError };
