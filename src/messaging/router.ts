// The worker's message router. Every request is checked against the rule of its direction before
// a handler sees it:
//   page commands    only from this extension's own pages: sender.id is our id and sender.url
//                    lies under our extension origin (content scripts carry the web page's URL);
//   content commands only from a top frame of a tab whose origin is one of the chat origins.
// The direction comes from which handler map holds the type, never from the message itself.
import { CommandError } from './errors';
import { assertJsonSafe, NotJsonError } from './json';
import type {
  ContentPayload,
  ContentRequestType,
  ContentResult,
  PagePayload,
  PageRequestType,
  PageResult,
  RequestMessage,
  ResponseMessage,
  WireError,
} from './protocol';

/** The parts of runtime.MessageSender the rules read (typed loosely: senders are untrusted input). */
export interface MessageSenderLike {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
  frameId?: number;
}

export type PageHandlers = {
  [K in PageRequestType]: (payload: PagePayload<K>, sender: MessageSenderLike) => Promise<PageResult<K>> | PageResult<K>;
};

type Handler = (payload: never, sender: MessageSenderLike) => unknown;
export type ContentHandlers = {
  [K in ContentRequestType]: (payload: ContentPayload<K>, sender: MessageSenderLike) => Promise<ContentResult<K>> | ContentResult<K>;
};

export interface RouterHandlers {
  page: Partial<PageHandlers>;
  content?: Partial<ContentHandlers>;
}

export interface RouterOptions {
  /** browser.runtime.id */
  extensionId: string;
  /** browser.runtime.getURL('/'), e.g. chrome-extension://<id>/ or moz-extension://<uuid>/ */
  extensionOrigin: string;
  /** Exact origins (https://web.whatsapp.com) whose top frames may send content commands. */
  chatOrigins?: readonly string[];
  /** Largest request accepted from a page, in characters of JSON. */
  maxPageRequestChars?: number;
  /** Called with the type and error of a handler failure that was not a CommandError. */
  onInternalError?: (type: string, error: unknown) => void;
}

export type SendResponse = (response: ResponseMessage) => void;

export interface Router {
  handle(message: unknown, sender: MessageSenderLike): Promise<ResponseMessage>;
  /** For runtime.onMessage: answers through sendResponse and keeps the channel open. */
  listener(message: unknown, sender: MessageSenderLike, sendResponse: SendResponse): true;
}

const DEFAULT_MAX_PAGE_REQUEST_CHARS = 1 << 20;

function fail(code: WireError['code'], message: string): ResponseMessage<never> {
  return { ok: false, error: { code, message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function parseRequest(message: unknown): RequestMessage | null {
  if (!isPlainObject(message) || typeof message.type !== 'string') return null;
  if (!isPlainObject(message.payload)) return null;
  return { type: message.type, payload: message.payload };
}

function withTrailingSlash(origin: string): string {
  return origin.endsWith('/') ? origin : `${origin}/`;
}

/** True when the sender is one of this extension's own pages (options, popup, import, …). */
export function isOwnExtensionPage(sender: MessageSenderLike, extensionId: string, extensionOrigin: string): boolean {
  if (!extensionId || sender.id !== extensionId) return false;
  if (typeof sender.url !== 'string') return false;
  const base = withTrailingSlash(extensionOrigin);
  if (!sender.url.startsWith(base)) return false;
  // Chrome also reports the document's origin; when present it must agree with the URL.
  if (sender.origin !== undefined && withTrailingSlash(sender.origin) !== base) return false;
  return true;
}

/** True when the sender is the top frame of a tab showing one of the chat origins. */
export function isChatContentScript(
  sender: MessageSenderLike,
  extensionId: string,
  chatOrigins: readonly string[],
): boolean {
  if (!extensionId || sender.id !== extensionId) return false;
  if (!sender.tab || sender.frameId !== 0 || typeof sender.url !== 'string') return false;
  let urlOrigin: string;
  try {
    urlOrigin = new URL(sender.url).origin;
  } catch {
    return false;
  }
  if (sender.origin !== undefined && sender.origin !== urlOrigin) return false;
  return chatOrigins.includes(urlOrigin);
}

export function createRouter(handlers: RouterHandlers, options: RouterOptions): Router {
  const maxChars = options.maxPageRequestChars ?? DEFAULT_MAX_PAGE_REQUEST_CHARS;
  const chatOrigins = options.chatOrigins ?? [];
  const pageHandlers = handlers.page as Record<string, Handler | undefined>;
  const contentHandlers = (handlers.content ?? {}) as Record<string, Handler | undefined>;

  async function run(type: string, handler: Handler, payload: unknown, sender: MessageSenderLike): Promise<ResponseMessage> {
    try {
      const raw = await handler(payload as never, sender);
      const result = raw === undefined ? null : raw;
      assertJsonSafe(result);
      return { ok: true, result };
    } catch (error) {
      if (error instanceof CommandError) return fail(error.code, error.message);
      if (error instanceof NotJsonError) {
        options.onInternalError?.(type, error);
        return fail('not-json', error.message);
      }
      options.onInternalError?.(type, error);
      return fail('internal', error instanceof Error ? error.message : 'the command failed');
    }
  }

  async function handle(message: unknown, sender: MessageSenderLike): Promise<ResponseMessage> {
    const request = parseRequest(message);
    if (!request) return fail('bad-payload', 'a request is {type: string, payload: object}');
    const { type, payload } = request;

    // Own properties only: 'constructor' or '__proto__' must not reach Object.prototype.
    const pageHandler = Object.hasOwn(pageHandlers, type) ? pageHandlers[type] : undefined;
    const contentHandler = Object.hasOwn(contentHandlers, type) ? contentHandlers[type] : undefined;
    if (pageHandler) {
      if (!isOwnExtensionPage(sender, options.extensionId, options.extensionOrigin)) {
        return fail('forbidden-sender', `${type} is accepted only from ChatSeal's own pages`);
      }
      if (JSON.stringify(payload).length > maxChars) return fail('bad-payload', `${type}: request too large`);
      return run(type, pageHandler, payload, sender);
    }
    if (contentHandler) {
      if (!isChatContentScript(sender, options.extensionId, chatOrigins)) {
        return fail('forbidden-sender', `${type} is accepted only from a supported chat page`);
      }
      return run(type, contentHandler, payload, sender);
    }
    return fail('unknown-type', `unknown request type ${JSON.stringify(type.slice(0, 64))}`);
  }

  return {
    handle,
    listener(message, sender, sendResponse) {
      void handle(message, sender).then(sendResponse);
      return true;
    },
  };
}
