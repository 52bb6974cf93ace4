// Google's JSON error body for googleapis.com, and the HTML page its front end answers with when
// the request never reached the API (a client must cope with both).

const STATUS_NAMES = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  411: 'INVALID_ARGUMENT',
  416: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_REASON = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  429: 'rateLimitExceeded',
  500: 'internalError',
  502: 'backendError',
  503: 'backendError',
  504: 'backendError',
};

const DEFAULT_MESSAGE = {
  400: 'Bad Request',
  401: 'Invalid Credentials',
  403: 'The request is not allowed.',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const USAGE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'storageQuotaExceeded',
  'dailyLimitExceeded',
  'quotaExceeded',
]);

/**
 * @param {number} code
 * @param {{ reason?: string, message?: string, domain?: string, location?: string, locationType?: string }} [detail]
 */
export function googleError(code, detail = {}) {
  const reason = detail.reason ?? DEFAULT_REASON[code] ?? 'unknown';
  const message = detail.message ?? DEFAULT_MESSAGE[code] ?? 'Error';
  const domain = detail.domain ?? (USAGE_LIMIT_REASONS.has(reason) ? 'usageLimits' : 'global');
  /** @type {Record<string, string>} */
  const item = { message, domain, reason };
  if (detail.location) item.location = detail.location;
  if (detail.locationType) item.locationType = detail.locationType;
  /** @type {Record<string, unknown>} */
  const error = { code, message, errors: [item] };
  const status = STATUS_NAMES[code];
  if (status) error.status = status;
  return { error };
}

/** A thrown error that the router turns into Google's JSON error response. */
export class ApiError extends Error {
  /**
   * @param {number} code
   * @param {{ reason?: string, message?: string, domain?: string, location?: string, locationType?: string, headers?: Record<string,string> }} [detail]
   */
  constructor(code, detail = {}) {
    super(detail.message ?? DEFAULT_MESSAGE[code] ?? 'Error');
    this.code = code;
    this.detail = detail;
  }
}

export const errors = {
  loginRequired: () =>
    new ApiError(401, {
      reason: 'required',
      message:
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      location: 'Authorization',
      locationType: 'header',
      headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' },
    }),
  invalidCredentials: () =>
    new ApiError(401, {
      reason: 'authError',
      message:
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      location: 'Authorization',
      locationType: 'header',
      headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    }),
  insufficientScopes: () =>
    new ApiError(403, {
      reason: 'insufficientPermissions',
      message: 'Request had insufficient authentication scopes.',
      headers: {
        'WWW-Authenticate':
          'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/drive.file"',
      },
    }),
  fileNotFound: (/** @type {string} */ id) =>
    new ApiError(404, { reason: 'notFound', message: `File not found: ${id}.`, location: 'fileId', locationType: 'parameter' }),
  quotaExceeded: () =>
    new ApiError(403, { reason: 'storageQuotaExceeded', message: "The user's Drive storage quota has been exceeded." }),
  invalidParameter: (/** @type {string} */ location, message = `Invalid Value`) =>
    new ApiError(400, { reason: 'invalid', message, location, locationType: 'parameter' }),
  invalidField: (/** @type {string} */ selection) =>
    new ApiError(400, {
      reason: 'invalidParameter',
      message: `Invalid field selection ${selection}`,
      location: 'fields',
      locationType: 'parameter',
    }),
  badRequest: (/** @type {string} */ message) => new ApiError(400, { reason: 'badRequest', message }),
};

/** The HTML Google's front end serves for errors outside the API (e.g. a 502 from the load balancer). */
export function htmlErrorPage(code, message) {
  return `<!DOCTYPE html>
<html lang=en><meta charset=utf-8><title>Error ${code} (${message})!!1</title>
<p><b>${code}.</b> <ins>That’s an error.</ins>
<p>${escapeHtml(message)} <ins>That’s all we know.</ins>
`;
}

export function defaultMessage(code) {
  return DEFAULT_MESSAGE[code] ?? 'Error';
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
