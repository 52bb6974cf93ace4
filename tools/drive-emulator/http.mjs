// Request context, body reading and response helpers shared by the emulator's handlers.
import { ApiError, googleError } from './errors.mjs';

export const GRANULE = 256 * 1024;

const EXPOSED_HEADERS = [
  'Cache-Control', 'Content-Disposition', 'Content-Encoding', 'Content-Length', 'Content-MD5',
  'Content-Range', 'Content-Type', 'Date', 'ETag', 'Expires', 'Last-Modified', 'Location', 'Range',
  'Retry-After', 'Server', 'Transfer-Encoding', 'Vary', 'WWW-Authenticate', 'X-GUploader-UploadID',
  'X-Google-Trace',
].join(', ');

/**
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 * @typedef {{ seq: number, time: string, method: string, host: string, path: string, query: Record<string,string>,
 *   status: number, contentRange: string | null, range: string | null, bytesReceived: number, bytesKept: number | null,
 *   statusQuery: boolean, uploadId: string | null, clientId: string | null, fault: string | null,
 *   cut: boolean, durationMs: number }} LogEntry
 * @typedef {{ freshConnection: boolean, req: Req, res: Res, url: URL, host: string, base: string, started: number, log: LogEntry,
 *   auth: { email: string, clientId: string, full: boolean, scopes: string[] } | null,
 *   cutRequestAfter: number | null, cutResponseAfter: number | null, keepBytes: number | null,
 *   throttle: number | null }} Ctx
 */

/** CORS as googleapis.com answers browser clients: the caller's origin echoed, our headers exposed. */
export function corsHeaders(req) {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    Vary: 'Origin, X-Origin, Referer',
  };
}

/** @param {Req} req @param {Res} res */
export function preflight(req, res) {
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(200, {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT',
    ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
    'Access-Control-Max-Age': '3600',
    'Content-Length': '0',
  });
  res.end();
}

/** @param {Ctx} ctx @param {number} status @param {Record<string,string>} [headers] */
export function sendEmpty(ctx, status, headers = {}) {
  sendBuffer(ctx, status, Buffer.alloc(0), headers);
}

/** @param {Ctx} ctx @param {number} status @param {unknown} body @param {Record<string,string>} [headers] */
export function sendJson(ctx, status, body, headers = {}) {
  sendBuffer(ctx, status, Buffer.from(JSON.stringify(body, null, 1)), {
    'Content-Type': 'application/json; charset=UTF-8',
    ...headers,
  });
}

/** @param {Ctx} ctx @param {number} status @param {string} html @param {Record<string,string>} [headers] */
export function sendHtml(ctx, status, html, headers = {}) {
  sendBuffer(ctx, status, Buffer.from(html), { 'Content-Type': 'text/html; charset=utf-8', ...headers });
}

/** Sends a whole body; a `cutAfterBytes` fault on this request drops the connection after K bytes. */
export function sendBuffer(ctx, status, buf, headers = {}) {
  const { res } = ctx;
  ctx.log.status = status;
  res.writeHead(status, { ...corsHeaders(ctx.req), 'Content-Length': String(buf.length), ...headers });
  if (ctx.cutResponseAfter !== null) {
    res.write(buf.subarray(0, ctx.cutResponseAfter), () => cut(ctx));
    return;
  }
  res.end(buf);
}

/** @param {Ctx} ctx @param {ApiError} e */
export function sendApiError(ctx, e) {
  sendJson(ctx, e.code, googleError(e.code, e.detail), e.detail.headers ?? {});
}

/** Drops the connection without (the rest of) a response, as a network failure looks to a client. */
export function cut(ctx) {
  ctx.log.cut = true;
  ctx.req.socket.destroy();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads the request body into memory (metadata, multipart and media bodies), counting the bytes.
 * @param {Ctx} ctx @param {number} [limit]
 */
export async function readBody(ctx, limit = 512 * 1024 * 1024) {
  const parts = [];
  let n = 0;
  for await (const buf of ctx.req) {
    n += buf.length;
    ctx.log.bytesReceived = n;
    if (n > limit) throw new ApiError(413, { reason: 'uploadTooLarge', message: 'The request body is too large.' });
    parts.push(buf);
  }
  return Buffer.concat(parts);
}

/** Reads and discards the rest of the body, so an error answer reaches a client still sending. */
export async function drain(ctx) {
  if (ctx.req.readableEnded) return;
  try {
    for await (const buf of ctx.req) ctx.log.bytesReceived += buf.length;
  } catch {
    // the client went away; nothing to answer
  }
}

/** @param {Ctx} ctx */
export async function readJsonBody(ctx) {
  const buf = await readBody(ctx, 1024 * 1024);
  if (buf.length === 0) return {};
  try {
    const value = JSON.parse(buf.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw new ApiError(400, { reason: 'parseError', message: 'Parse Error' });
  }
}

/** @param {Ctx} ctx */
export async function readFormBody(ctx) {
  const buf = await readBody(ctx, 1024 * 1024);
  return new URLSearchParams(buf.toString('utf8'));
}
