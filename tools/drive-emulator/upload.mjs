// Content uploads: uploadType=media, multipart and resumable (sessions, chunks, status queries),
// as https://developers.google.com/drive/api/guides/manage-uploads describes them.
import fs from 'node:fs';
import { ApiError, errors } from './errors.mjs';
import {
  applyUpdate, checkMetadata, fileResource, fileSelection, findFile, moveParents, newFileMeta, resolveParents,
} from './drive.mjs';
import { pick } from './fields.mjs';
import { GRANULE, cut, drain, readBody, readJsonBody, sendEmpty, sendJson, sleep } from './http.mjs';
import { Checksums } from './store.mjs';

/** @typedef {import('./http.mjs').Ctx} Ctx @typedef {import('./store.mjs').Store} Store */

export class Uploads {
  /** @param {Store} store */
  constructor(store) {
    this.store = store;
    /** Running checksums of sessions whose bytes arrived in order in this process. @type {Map<string, Checksums>} */
    this.sums = new Map();
    /** One request at a time per session. @type {Map<string, Promise<void>>} */
    this.locks = new Map();
  }

  /** @param {string} email @param {number} bytes */
  assertRoom(email, bytes) {
    const a = this.store.account(email);
    const used = this.store.usage(email);
    if (used + bytes > a.limitBytes || (bytes === 0 && used >= a.limitBytes)) throw errors.quotaExceeded();
  }

  /** POST /upload/drive/v3/files (new file) or PATCH /upload/drive/v3/files/:id (new content). */
  async start(/** @type {Ctx} */ ctx, /** @type {string | null} */ fileId) {
    const auth = /** @type {NonNullable<Ctx['auth']>} */ (ctx.auth);
    const target = fileId === null ? null : findFile(this.store, fileId, auth);
    const type = ctx.url.searchParams.get('uploadType');
    const mode = target ? 'update' : 'create';
    if (type === 'resumable') return this.initiate(ctx, target, mode);
    if (type !== 'media' && type !== 'multipart') {
      throw errors.invalidParameter('uploadType', `Invalid upload type: ${type ?? '(none)'}. Use media, multipart or resumable.`);
    }
    let metadata = {};
    let content;
    let mime = ctx.req.headers['content-type'] ?? 'application/octet-stream';
    if (type === 'media') {
      content = await readBody(ctx);
    } else {
      ({ metadata, content, mime } = parseMultipart(await readBody(ctx), mime));
      checkMetadata(metadata, mode);
    }
    this.assertRoom(auth.email, content.length - (target?.size ?? 0));
    const sums = new Checksums();
    sums.update(content);
    const meta = target ?? newFileMeta(this.store, metadata, auth, { defaultMime: mime });
    if (target) {
      applyUpdate(target, metadata);
      moveParents(ctx, this.store, target);
    }
    fs.writeFileSync(this.store.contentPath(meta.id), content);
    setContent(meta, content.length, sums.digest());
    this.store.putFile(meta);
    sendJson(ctx, 200, pick(fileResource(this.store, meta, auth), fileSelection(ctx)));
  }

  /** Starts a resumable session: 200, empty body, the session URI in Location. */
  async initiate(/** @type {Ctx} */ ctx, target, mode) {
    const auth = /** @type {NonNullable<Ctx['auth']>} */ (ctx.auth);
    const metadata = await readJsonBody(ctx);
    checkMetadata(metadata, mode);
    if (mode === 'create') resolveParents(this.store, metadata.parents, auth);
    const lengthHeader = ctx.req.headers['x-upload-content-length'];
    const total = lengthHeader === undefined ? null : Number(lengthHeader);
    if (total !== null && (!Number.isInteger(total) || total < 0)) throw errors.badRequest('Invalid X-Upload-Content-Length header.');
    this.assertRoom(auth.email, total ?? 0);
    const typeHeader = ctx.req.headers['x-upload-content-type'];
    const s = this.store.createSession({
      owner: auth.email,
      clientId: auth.clientId,
      metadata,
      targetFileId: target?.id ?? null,
      total,
      query: ctx.url.searchParams.toString(),
      mimeType: metadata.mimeType ?? (typeof typeHeader === 'string' ? typeHeader : 'application/octet-stream'),
    });
    ctx.log.uploadId = s.uploadId;
    const q = new URLSearchParams(ctx.url.searchParams);
    q.set('upload_id', s.uploadId);
    sendEmpty(ctx, 200, {
      Location: `${ctx.base}${ctx.url.pathname}?${q}`,
      'X-GUploader-UploadID': s.uploadId,
    });
  }

  /** A request on a session URI: PUT a chunk, PUT a status query, or DELETE to cancel. */
  async session(/** @type {Ctx} */ ctx, /** @type {string} */ uploadId) {
    ctx.log.uploadId = uploadId;
    const prev = this.locks.get(uploadId) ?? Promise.resolve();
    /** @type {() => void} */
    let release = () => {};
    const mine = prev.then(() => new Promise((r) => { release = () => r(undefined); }));
    this.locks.set(uploadId, mine);
    await prev;
    try {
      await this.sessionLocked(ctx, uploadId);
    } finally {
      release();
      if (this.locks.get(uploadId) === mine) this.locks.delete(uploadId);
    }
  }

  async sessionLocked(/** @type {Ctx} */ ctx, /** @type {string} */ uploadId) {
    const s = this.store.session(uploadId);
    if (!s) {
      await drain(ctx);
      throw new ApiError(404, { reason: 'notFound', message: 'The upload session was not found or has expired.' });
    }
    const method = ctx.req.method;
    if (method === 'DELETE') {
      this.store.removeSession(uploadId);
      this.sums.delete(uploadId);
      sendEmpty(ctx, 499);
      return;
    }
    if (method !== 'PUT' && method !== 'POST') throw new ApiError(405, { reason: 'methodNotAllowed', message: 'Method not allowed.' });

    const range = parseContentRange(ctx);
    if (range.kind === 'status') {
      ctx.log.statusQuery = true;
      await drain(ctx);
      if (range.total !== null && s.total !== null && range.total !== s.total) throw badRange('The total size does not match the size of earlier requests.');
      return this.answer(ctx, s);
    }
    if (s.resultFileId !== null) {
      await drain(ctx);
      return this.answer(ctx, s);
    }
    const { start, end } = range;
    const length = end - start + 1;
    const total = range.total ?? s.total;
    const problem =
      start !== s.offset ? `The Content-Range start (${start}) does not match the bytes received so far (${s.offset}).`
      : range.total !== null && s.total !== null && range.total !== s.total ? 'The total size does not match the size of earlier requests.'
      : total !== null && end >= total ? 'The Content-Range end is past the total size.'
      : range.declaredLength !== null && range.declaredLength !== length ? `Content-Length (${range.declaredLength}) does not match the Content-Range (${length} bytes).`
      : (total === null || end + 1 < total) && length % GRANULE !== 0 ? `A chunk that is not the last must be a multiple of ${GRANULE} bytes; this one has ${length}.`
      : null;
    if (problem) {
      await drain(ctx);
      throw badRange(problem);
    }
    try {
      this.assertRoom(s.owner, end + 1);
    } catch (e) {
      await drain(ctx);
      throw e;
    }
    if (range.total !== null) s.total = range.total;

    const outcome = await this.receive(ctx, s, start, length);
    s.offset = start + outcome.kept;
    ctx.log.bytesKept = outcome.kept;
    this.store.saveSession(s);
    if (outcome.broken) {
      if (!ctx.log.cut) cut(ctx);
      return;
    }
    if (outcome.received !== length) throw badRange(`The body had ${outcome.received} bytes; the Content-Range said ${length}.`);
    if (s.total !== null && s.offset === s.total) await this.finish(ctx, s);
    return this.answer(ctx, s);
  }

  /**
   * Writes a chunk's bytes at `start` in the session's part file, as they arrive. A `keepBytes`
   * fault keeps only the first K; a connection that breaks (client gone, or a `cutAfterBytes`
   * fault) keeps what arrived, rounded down to 256 KiB as Google persists in such units.
   */
  async receive(ctx, s, start, length) {
    const keepLimit = ctx.keepBytes ?? Number.POSITIVE_INFINITY;
    const cutAt = ctx.cutRequestAfter ?? Number.POSITIVE_INFINITY;
    let sums = this.sums.get(s.uploadId);
    if (start === 0) sums = new Checksums();
    if (sums && sums.bytes !== start) sums = undefined;
    if (sums) this.sums.set(s.uploadId, sums);
    else this.sums.delete(s.uploadId);

    const fh = await fs.promises.open(this.store.partPath(s.uploadId), 'r+');
    let received = 0;
    let written = 0;
    let broken = false;
    const t0 = Date.now();
    // Writes go out in batches of a few MiB, one at a time, while the next batch is read.
    /** @type {Buffer[]} */
    let batch = [];
    let batchBytes = 0;
    /** @type {Promise<unknown>} */
    let writing = Promise.resolve();
    const flush = async () => {
      await writing;
      if (batchBytes === 0) return;
      const buf = batch.length === 1 ? /** @type {Buffer} */ (batch[0]) : Buffer.concat(batch, batchBytes);
      writing = fh.write(buf, 0, buf.length, start + written - batchBytes);
      batch = [];
      batchBytes = 0;
    };
    try {
      for await (const data of ctx.req) {
        let buf = /** @type {Buffer} */ (data);
        if (received + buf.length > length) buf = buf.subarray(0, Math.max(0, length - received));
        const cutHere = received + buf.length >= cutAt;
        if (cutHere) buf = buf.subarray(0, cutAt - received);
        received += buf.length;
        ctx.log.bytesReceived = received;
        const room = Math.max(0, Math.min(buf.length, keepLimit - written));
        if (room > 0) {
          const part = buf.subarray(0, room);
          sums?.update(part);
          batch.push(part);
          batchBytes += room;
          written += room;
          if (batchBytes >= 4 << 20) await flush();
        }
        if (cutHere) {
          broken = true;
          cut(ctx);
          break;
        }
        if (ctx.throttle) {
          const due = t0 + (received / ctx.throttle) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
        }
      }
    } catch {
      broken = true;
    } finally {
      await flush();
      await writing;
      await fh.close();
    }
    if (!ctx.req.complete && !broken) broken = true;
    let kept = written;
    if (broken) {
      kept = Math.min(written, Math.floor(received / GRANULE) * GRANULE);
      if (kept < written) this.sums.delete(s.uploadId);
    }
    return { received, kept, broken };
  }

  /** The last byte arrived: the part file becomes the file's content (new file, or new content). */
  async finish(ctx, s) {
    const store = this.store;
    const part = store.partPath(s.uploadId);
    const total = /** @type {number} */ (s.total);
    await fs.promises.truncate(part, total);
    const running = this.sums.get(s.uploadId);
    const sums = running && running.bytes === total ? running : await Checksums.ofFile(part, total);
    this.sums.delete(s.uploadId);
    const owner = { email: s.owner, clientId: s.clientId, full: false, scopes: [] };
    let meta;
    if (s.targetFileId) {
      meta = store.files.get(s.targetFileId);
      if (!meta) throw errors.fileNotFound(s.targetFileId);
      applyUpdate(meta, s.metadata);
    } else {
      meta = newFileMeta(store, s.metadata, owner, { defaultMime: s.mimeType });
    }
    await fs.promises.rename(part, store.contentPath(meta.id));
    setContent(meta, total, sums.digest());
    store.putFile(meta);
    s.resultFileId = meta.id;
    store.saveSession(s);
  }

  /** 200 with the file once complete; else 308 with the Range kept (no Range when nothing is). */
  answer(ctx, s) {
    if (s.resultFileId !== null) {
      const meta = this.store.files.get(s.resultFileId);
      if (!meta) throw errors.fileNotFound(s.resultFileId);
      const viewer = ctx.auth ?? { email: s.owner, clientId: s.clientId, full: false, scopes: [] };
      sendJson(ctx, 200, pick(fileResource(this.store, meta, viewer), fileSelection(ctx)), {
        'X-GUploader-UploadID': s.uploadId,
      });
      return;
    }
    /** @type {Record<string, string>} */
    const headers = { 'X-GUploader-UploadID': s.uploadId };
    if (s.offset > 0) headers.Range = `bytes=0-${s.offset - 1}`;
    sendEmpty(ctx, 308, headers);
  }
}

function setContent(meta, size, digest) {
  meta.size = size;
  meta.sha256 = digest;
  delete meta.md5;
  delete meta.sha1;
}

function badRange(message) {
  return new ApiError(400, { reason: 'badRequest', message });
}

/**
 * Content-Range: `bytes *\/N` (status query), `bytes A-B/N` or `bytes A-B/(star)` (a chunk); without
 * the header the body is the whole upload.
 * @param {Ctx} ctx
 * @returns {{ kind: 'status', total: number | null } | { kind: 'chunk', start: number, end: number, total: number | null, declaredLength: number | null }}
 */
export function parseContentRange(ctx) {
  const header = ctx.req.headers['content-range'] ?? null;
  ctx.log.contentRange = header;
  const lengthHeader = ctx.req.headers['content-length'];
  const declaredLength = lengthHeader === undefined ? null : Number(lengthHeader);
  if (header === null) {
    if (declaredLength === null) throw new ApiError(411, { reason: 'badRequest', message: 'Content-Length is required for an upload without Content-Range.' });
    if (declaredLength === 0) return { kind: 'status', total: null };
    return { kind: 'chunk', start: 0, end: declaredLength - 1, total: declaredLength, declaredLength };
  }
  const status = /^bytes \*\/(\d+|\*)$/.exec(header.trim());
  if (status) {
    if (declaredLength !== null && declaredLength !== 0) throw badRange('A status query (bytes */N) must have an empty body.');
    return { kind: 'status', total: status[1] === '*' ? null : Number(status[1]) };
  }
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) throw badRange('Failed to parse Content-Range header.');
  return { kind: 'chunk', start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]), declaredLength };
}

/**
 * multipart/related: the JSON metadata part first, then the media part.
 * @param {Buffer} body @param {string} contentType
 */
export function parseMultipart(body, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/related/i.test(contentType) || !m) {
    throw errors.badRequest('Multipart uploads need Content-Type: multipart/related with a boundary.');
  }
  const delimiter = Buffer.from(`\r\n--${m[1] ?? m[2]}`);
  const data = Buffer.concat([Buffer.from('\r\n'), body]);
  /** @type {{ headers: Record<string,string>, body: Buffer }[]} */
  const parts = [];
  let at = data.indexOf(delimiter);
  let closed = false;
  while (at !== -1) {
    const after = at + delimiter.length;
    if (data.subarray(after, after + 2).toString() === '--') {
      closed = true;
      break;
    }
    const headerEnd = data.indexOf('\r\n\r\n', after);
    const next = data.indexOf(delimiter, after);
    if (headerEnd === -1 || next === -1 || headerEnd > next) break;
    /** @type {Record<string,string>} */
    const headers = {};
    for (const line of data.subarray(after, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    parts.push({ headers, body: data.subarray(headerEnd + 4, next) });
    at = next;
  }
  const [meta, media] = parts;
  if (!closed || parts.length !== 2 || !meta || !media) {
    throw errors.badRequest('Invalid multipart request: expected a metadata part and a media part.');
  }
  if (!/json/i.test(meta.headers['content-type'] ?? '')) throw errors.badRequest('The first part of a multipart upload must be the JSON metadata.');
  let metadata;
  try {
    metadata = JSON.parse(meta.body.toString('utf8') || '{}');
  } catch {
    throw new ApiError(400, { reason: 'parseError', message: 'Parse Error' });
  }
  return { metadata, content: media.body, mime: metadata.mimeType ?? media.headers['content-type'] ?? 'application/octet-stream' };
}
