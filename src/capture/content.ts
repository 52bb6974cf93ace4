// The content scripts' entry (entrypoints/<site>.content.ts call it with their adapters): the
// controller gets the real browser APIs, and requests from the worker or the popup are answered
// with the protocol's envelope ({ ok, result } / { ok: false, error }).
import { browser } from 'wxt/browser';
import type { ContentRequestType, ContentResult, ResponseMessage, TabRequestType } from '../messaging/protocol';
import type { SiteAdapter } from './adapter';
import type { PortLike } from './channel';
import { CaptureController } from './controller';
import { CAPTURE_PORT } from './protocol';

async function callWorker<K extends ContentRequestType>(type: K): Promise<ContentResult<K>> {
  const response = (await browser.runtime.sendMessage({ type, payload: {} })) as ResponseMessage<ContentResult<K>>;
  if (!response || response.ok !== true) throw new Error(response?.ok === false ? response.error.code : 'no answer');
  return response.result;
}

export function startCaptureInPage(adapters: readonly SiteAdapter[]): CaptureController {
  const controller = new CaptureController({
    doc: document,
    adapter: () => adapters.find((a) => a.matches(new URL(location.href))) ?? null,
    connect: () => browser.runtime.connect({ name: CAPTURE_PORT }) as unknown as PortLike,
    status: () => callWorker('capture.status'),
    openOptions: async () => {
      await callWorker('capture.openOptions');
    },
    extensionAlive: () => {
      try {
        return typeof browser.runtime?.id === 'string';
      } catch {
        return false;
      }
    },
    reload: () => location.reload(),
    url: () => location.href,
  });
  controller.installButton();
  browser.runtime.onMessage.addListener((message: unknown, sender: { id?: string; tab?: unknown }, sendResponse: (r: ResponseMessage) => void) => {
    // Only ChatSeal itself (the worker, the popup) talks to this script; never another tab.
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
    const type = (message as { type?: unknown } | null)?.type as TabRequestType | undefined;
    if (type === 'capture.status' || type === 'capture.probe') {
      const result = type === 'capture.status' ? controller.status() : controller.probe();
      // No adapter for this page (e.g. Telegram's start page): no answer, as for any other tab.
      if (result === null) return undefined;
      sendResponse({ ok: true, result });
      return true;
    }
    if (type === 'capture.start') {
      void controller.start().then(
        (outcome) =>
          sendResponse({
            ok: true,
            result: outcome.started ? { ok: true } : { ok: false, reason: outcome.reason === 'extension-reloaded' ? 'busy' : outcome.reason },
          }),
        (error: unknown) => sendResponse({ ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : 'failed' } }),
      );
      return true;
    }
    return undefined;
  });
  return controller;
}
