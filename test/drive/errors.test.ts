import { describe, expect, it } from 'vitest';
import { classifyStatus, DriveError, driveErrorFromResponse, networkError } from '../../src/drive/errors';

function googleError(status: number, reason: string, message = 'msg'): Response {
  return new Response(JSON.stringify({ error: { code: status, message, errors: [{ domain: 'global', reason, message }] } }), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('classifyStatus', () => {
  it.each([
    [429, undefined, false, 'rate-limited'],
    [403, 'rateLimitExceeded', false, 'rate-limited'],
    [403, 'userRateLimitExceeded', false, 'rate-limited'],
    [500, 'backendError', false, 'server'],
    [503, undefined, false, 'server'],
    [408, undefined, false, 'server'],
    [401, 'authError', false, 'auth'],
    [403, 'storageQuotaExceeded', false, 'quota'],
    [403, 'insufficientPermissions', false, 'forbidden'],
    [403, undefined, false, 'forbidden'],
    [400, 'badRequest', false, 'bad-request'],
    [409, undefined, false, 'bad-request'],
    [404, 'notFound', false, 'not-found'],
    [404, 'notFound', true, 'session-lost'],
    [410, undefined, true, 'session-lost'],
  ] as const)('%i %s (session %s) is %s', (status, reason, onSession, kind) => {
    expect(classifyStatus(status, reason, onSession)).toBe(kind);
  });
});

describe('DriveError.retryable', () => {
  it('is true only for rate limits, server errors and the network', () => {
    const kinds = ['rate-limited', 'server', 'network', 'auth', 'quota', 'forbidden', 'bad-request', 'not-found', 'session-lost', 'checksum-mismatch'] as const;
    expect(kinds.filter((kind) => new DriveError(kind, '').retryable)).toEqual(['rate-limited', 'server', 'network']);
  });
});

describe('driveErrorFromResponse', () => {
  it('reads Google’s error JSON: status, reason, message', async () => {
    const error = await driveErrorFromResponse(googleError(403, 'storageQuotaExceeded', 'The user’s Drive storage quota has been exceeded.'), 'Uploading');
    expect(error.kind).toBe('quota');
    expect(error.status).toBe(403);
    expect(error.reason).toBe('storageQuotaExceeded');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Uploading failed with HTTP 403 (storageQuotaExceeded): The user’s Drive storage quota has been exceeded.');
  });

  it('decides by status alone when the body is not Google’s JSON', async () => {
    const error = await driveErrorFromResponse(new Response('<html>Bad gateway</html>', { status: 502 }), 'Listing');
    expect(error.kind).toBe('server');
    expect(error.reason).toBeUndefined();
    expect(error.retryable).toBe(true);
  });

  it('reads Retry-After in seconds or as a date', async () => {
    const seconds = await driveErrorFromResponse(new Response('', { status: 429, headers: { 'Retry-After': '7' } }), 'x');
    expect(seconds.retryAfterMs).toBe(7000);
    const now = Date.parse('2026-11-26T10:00:00Z');
    const date = await driveErrorFromResponse(new Response('', { status: 503, headers: { 'Retry-After': 'Thu, 26 Nov 2026 10:00:05 GMT' } }), 'x', { now });
    expect(date.retryAfterMs).toBe(5000);
  });
});

describe('networkError', () => {
  it('is retryable and keeps the cause', () => {
    const cause = new TypeError('fetch failed');
    const error = networkError('Uploading', cause);
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
  });
});
