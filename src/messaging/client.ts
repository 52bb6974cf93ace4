// The pages' side of the protocol: one typed call per request. UI components import only this
// module for talking to the worker, so tests mock the worker here.
import { browser } from 'wxt/browser';
import { WorkerError } from './errors';
import type { PagePayload, PageRequestType, PageResult, RequestMessage, ResponseMessage } from './protocol';

function isResponse(value: unknown): value is ResponseMessage {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { ok?: unknown; error?: unknown };
  if (r.ok === true) return 'result' in r;
  if (r.ok === false) {
    const e = r.error as { code?: unknown; message?: unknown } | undefined;
    return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
  }
  return false;
}

/** Sends one request to the background worker; throws WorkerError when it is refused or fails. */
export async function callWorker<K extends PageRequestType>(type: K, payload: PagePayload<K>): Promise<PageResult<K>> {
  const request: RequestMessage = { type, payload };
  let response: unknown;
  try {
    response = await browser.runtime.sendMessage(request);
  } catch (error) {
    throw new WorkerError('unreachable', error instanceof Error ? error.message : 'the background worker did not answer');
  }
  if (!isResponse(response)) throw new WorkerError('no-response', `no valid answer to ${type}`);
  if (!response.ok) throw new WorkerError(response.error.code, response.error.message);
  return response.result as PageResult<K>;
}
