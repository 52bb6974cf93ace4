// Injected faults: each matches requests (method, path prefix, host, upload chunks, status
// queries, how far the upload got) and acts a given number of times: answer with an error,
// cut the connection after K bytes, or keep only K bytes of a chunk.

/**
 * @typedef {{ method?: string, pathPrefix?: string, host?: string, upload?: boolean, statusQuery?: boolean, afterBytes?: number }} FaultMatch
 * @typedef {{ status: number, reason?: string, message?: string, retryAfter?: number, html?: boolean }
 *   | { cutAfterBytes: number } | { keepBytes: number }} FaultAction
 * @typedef {{ match?: FaultMatch, action: FaultAction, times?: number }} FaultSpec
 * @typedef {{ id: string, match: FaultMatch, action: FaultAction, remaining: number, hits: number }} Fault
 * @typedef {{ method: string, path: string, host: string, chunk: boolean, statusQuery: boolean, sessionOffset: number | null, freshConnection: boolean }} RequestInfo
 */

export class FaultSpecError extends Error {}

/** @param {unknown} spec @returns {FaultSpec} */
export function checkFaultSpec(spec) {
  const fail = (/** @type {string} */ why) => new FaultSpecError(`bad fault: ${why}`);
  if (!spec || typeof spec !== 'object') throw fail('not an object');
  const { match = {}, action, times = 1 } = /** @type {any} */ (spec);
  if (typeof match !== 'object' || match === null) throw fail('match must be an object');
  for (const key of Object.keys(match)) {
    if (!['method', 'pathPrefix', 'host', 'upload', 'statusQuery', 'afterBytes'].includes(key)) throw fail(`unknown match key ${key}`);
  }
  if (match.afterBytes !== undefined && !(Number.isInteger(match.afterBytes) && match.afterBytes >= 0)) throw fail('afterBytes must be a whole number');
  if (!action || typeof action !== 'object') throw fail('action missing');
  const kinds = ['status', 'cutAfterBytes', 'keepBytes'].filter((k) => action[k] !== undefined);
  if (kinds.length !== 1) throw fail('action needs exactly one of status, cutAfterBytes, keepBytes');
  if (action.status !== undefined && !(Number.isInteger(action.status) && action.status >= 400 && action.status <= 599)) throw fail('status must be 400..599');
  for (const k of ['cutAfterBytes', 'keepBytes']) {
    if (action[k] !== undefined && !(Number.isInteger(action[k]) && action[k] >= 0)) throw fail(`${k} must be a whole number`);
  }
  if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) throw fail('times must be >= 1');
  return { match, action, times };
}

export class Faults {
  constructor() {
    /** @type {Fault[]} */
    this.active = [];
    this.counter = 0;
  }

  /** @param {unknown} spec */
  add(spec) {
    const { match = {}, action, times = 1 } = checkFaultSpec(spec);
    this.counter += 1;
    const fault = { id: `f${this.counter}`, match, action, remaining: times, hits: 0 };
    this.active.push(fault);
    return fault.id;
  }

  /** A cut is waiting to happen (see index.mjs: connections are not kept alive meanwhile). */
  cutArmed() {
    return this.active.some((f) => 'cutAfterBytes' in f.action);
  }

  list() {
    return this.active.map((f) => ({ ...f, remaining: f.remaining === Infinity ? 'Infinity' : f.remaining }));
  }

  clear() {
    this.active = [];
  }

  /**
   * The first fault matching this request, counted as used. `keepBytes` only applies to chunks.
   * @param {RequestInfo} info
   */
  take(info) {
    const fault = this.active.find((f) => applies(f, info));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining <= 0) this.active = this.active.filter((f) => f !== fault);
    return fault;
  }
}

/** @param {Fault} f @param {RequestInfo} info */
function applies(f, info) {
  const m = f.match;
  if (m.method && m.method.toUpperCase() !== info.method) return false;
  if (m.pathPrefix && !info.path.startsWith(m.pathPrefix)) return false;
  if (m.host && m.host.toLowerCase() !== info.host) return false;
  if (m.upload === true && !info.chunk) return false;
  if (m.upload === false && info.chunk) return false;
  if (m.statusQuery === true && !info.statusQuery) return false;
  if (m.statusQuery === false && info.statusQuery) return false;
  if (m.afterBytes !== undefined && (info.sessionOffset === null || info.sessionOffset < m.afterBytes)) return false;
  if ('keepBytes' in f.action && !info.chunk) return false;
  // Only a connection's first request: Chromium would silently re-send one cut on a reused connection.
  if ('cutAfterBytes' in f.action && !info.freshConnection) return false;
  return true;
}

/** @param {FaultAction} a */
export function describeFault(id, a) {
  if ('status' in a) return `${id}: status ${a.status}${a.reason ? ` ${a.reason}` : ''}`;
  if ('cutAfterBytes' in a) return `${id}: cut after ${a.cutAfterBytes} bytes`;
  return `${id}: keep ${a.keepBytes} bytes`;
}
