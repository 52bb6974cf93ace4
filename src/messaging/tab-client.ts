// The popup's side of the popup -> content script requests (PopupToContent in protocol.ts): one
// typed call to the tab's content script. Kept apart from client.ts so component tests can stand in
// for the tab here and for the worker there.
import { browser } from 'wxt/browser';
import { WorkerError } from './errors';
import type { PopupToContent, RequestMessage, ResponseMessage, TabRequestType } from './protocol';

/** The tab has no ChatSeal content script (not a supported chat site), or it did not answer. */
export class NoContentScriptError extends Error {
  override name = 'NoContentScriptError';
}

/** The active tab's id in the current window (the popup's window), or null. */
export async function activeTabId(): Promise<number | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

export async function callTab<K extends TabRequestType>(
  tabId: number,
  type: K,
  payload: PopupToContent[K]['payload'],
): Promise<PopupToContent[K]['result']> {
  const request: RequestMessage = { type, payload };
  let response: unknown;
  try {
    response = await browser.tabs.sendMessage(tabId, request);
  } catch (error) {
    throw new NoContentScriptError(error instanceof Error ? error.message : 'no content script in this tab');
  }
  const r = response as ResponseMessage<PopupToContent[K]['result']> | undefined;
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') throw new NoContentScriptError(`no valid answer to ${type}`);
  if (!r.ok) throw new WorkerError(r.error.code, r.error.message);
  return r.result;
}
