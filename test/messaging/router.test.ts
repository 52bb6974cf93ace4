import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CommandError } from '../../src/messaging/errors';
import { jsonRoundTrip } from '../../src/messaging/json';
import type { ResponseMessage } from '../../src/messaging/protocol';
import {
  createRouter,
  isChatContentScript,
  isOwnExtensionPage,
  type MessageSenderLike,
  type RouterHandlers,
} from '../../src/messaging/router';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;
const OTHER_ID = 'ponmlkjihgfedcbaponmlkjihgfedcba';

const optionsPage: MessageSenderLike = { id: ID, url: `${ORIGIN}options.html`, origin: ORIGIN.slice(0, -1), tab: { id: 3 }, frameId: 0 };
const popup: MessageSenderLike = { id: ID, url: `${ORIGIN}popup.html` };
const contentOnChat: MessageSenderLike = {
  id: ID,
  url: 'https://web.whatsapp.com/',
  origin: 'https://web.whatsapp.com',
  tab: { id: 7 },
  frameId: 0,
};

function makeRouter(extra: Partial<RouterHandlers> = {}) {
  const getState = vi.fn(async () => ({ configured: false as const, pendingSetup: false }));
  const handlers: RouterHandlers = {
    page: { 'key.getState': getState, ...extra.page },
    content: { ...(extra.content ?? {}) },
  };
  const router = createRouter(handlers, { extensionId: ID, extensionOrigin: ORIGIN, chatOrigins: ['https://web.whatsapp.com'] });
  return { router, getState };
}

/** Sends through a JSON round trip both ways, as Chrome's channel does. */
async function send(router: ReturnType<typeof makeRouter>['router'], message: unknown, sender: MessageSenderLike) {
  const response = await router.handle(jsonRoundTrip(message), sender);
  return jsonRoundTrip(response);
}

const getState = { type: 'key.getState', payload: {} };

describe('page sender rule', () => {
  it('accepts our options page and popup', async () => {
    const { router, getState: handler } = makeRouter();
    expect(await send(router, getState, optionsPage)).toEqual({ ok: true, result: { configured: false, pendingSetup: false } });
    expect(await send(router, getState, popup)).toEqual({ ok: true, result: { configured: false, pendingSetup: false } });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it.each<[string, MessageSenderLike]>([
    ['an empty sender (as fakeBrowser sends)', {}],
    ['another extension with our page path', { id: OTHER_ID, url: `chrome-extension://${OTHER_ID}/options.html` }],
    ['our id but a web page URL (a content script)', { ...contentOnChat }],
    ['our id and no URL', { id: ID }],
    ['our id, URL of another extension', { id: ID, url: `chrome-extension://${OTHER_ID}/options.html` }],
    ['our id, origin that disagrees with the URL', { id: ID, url: `${ORIGIN}options.html`, origin: 'https://evil.example' }],
    ['a look-alike origin prefix', { id: ID, url: `chrome-extension://${ID}x/options.html` }],
    ['a URL that only contains our origin', { id: ID, url: `https://evil.example/?${ORIGIN}` }],
    ['a missing id with our URL', { url: `${ORIGIN}options.html` }],
  ])('refuses %s', async (_name, sender) => {
    const { router, getState: handler } = makeRouter();
    const response = await send(router, getState, sender);
    expect(response).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses when the router was built without an extension id', async () => {
    const router = createRouter({ page: { 'key.getState': async () => ({ configured: false as const, pendingSetup: false }) } }, { extensionId: '', extensionOrigin: ORIGIN });
    expect((await router.handle(getState, { url: `${ORIGIN}options.html` })).ok).toBe(false);
  });

  it('accepts an extension origin given without its trailing slash', () => {
    expect(isOwnExtensionPage(popup, ID, ORIGIN.slice(0, -1))).toBe(true);
    expect(isOwnExtensionPage({ id: ID, url: `chrome-extension://${ID}evil/x.html` }, ID, ORIGIN.slice(0, -1))).toBe(false);
  });

  it('accepts Firefox extension pages (moz-extension, no sender.origin)', () => {
    const uuid = 'f0e1d2c3-0000-4000-8000-123456789abc';
    expect(isOwnExtensionPage({ id: 'chatseal@chatseal.app', url: `moz-extension://${uuid}/options.html` }, 'chatseal@chatseal.app', `moz-extension://${uuid}/`)).toBe(true);
  });
});

describe('content sender rule', () => {
  it('allows only top frames of tabs on the chat origins', () => {
    const origins = ['https://web.whatsapp.com'];
    expect(isChatContentScript(contentOnChat, ID, origins)).toBe(true);
    expect(isChatContentScript({ ...contentOnChat, frameId: 2 }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, tab: undefined }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, id: OTHER_ID }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, url: 'https://web.whatsapp.com.evil.example/' , origin: undefined }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, url: 'http://web.whatsapp.com/', origin: undefined }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, origin: 'https://evil.example' }, ID, origins)).toBe(false);
    expect(isChatContentScript({ ...contentOnChat, url: 'not a url', origin: undefined }, ID, origins)).toBe(false);
    expect(isChatContentScript(optionsPage, ID, origins)).toBe(false);
  });

  it('routes a content command only from a chat page, and page commands never from one', async () => {
    const capture = vi.fn(async () => ({ stored: true }));
    const router = createRouter(
      { page: { 'key.getState': async () => ({ configured: false as const, pendingSetup: false }) }, content: { 'capture.test': capture } as never },
      { extensionId: ID, extensionOrigin: ORIGIN, chatOrigins: ['https://web.whatsapp.com'] },
    );
    expect(await router.handle({ type: 'capture.test', payload: {} }, contentOnChat)).toEqual({ ok: true, result: { stored: true } });
    const fromPage = await router.handle({ type: 'capture.test', payload: {} }, optionsPage);
    expect(fromPage.ok === false && fromPage.error.code).toBe('forbidden-sender');
    const fromOtherSite = await router.handle({ type: 'capture.test', payload: {} }, { ...contentOnChat, url: 'https://evil.example/', origin: 'https://evil.example' });
    expect(fromOtherSite.ok === false && fromOtherSite.error.code).toBe('forbidden-sender');
    const keyFromContent = await router.handle(getState, contentOnChat);
    expect(keyFromContent.ok === false && keyFromContent.error.code).toBe('forbidden-sender');
    expect(capture).toHaveBeenCalledTimes(1);
  });

  it('has no chat origins by default, so content commands are refused', async () => {
    const router = createRouter({ page: {}, content: { 'capture.test': async () => 1 } as never }, { extensionId: ID, extensionOrigin: ORIGIN });
    const r = await router.handle({ type: 'capture.test', payload: {} }, contentOnChat);
    expect(r.ok === false && r.error.code).toBe('forbidden-sender');
  });
});

describe('request shape and errors', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'key.getState'],
    ['no type', { payload: {} }],
    ['a numeric type', { type: 1, payload: {} }],
    ['no payload', { type: 'key.getState' }],
    ['an array payload', { type: 'key.getState', payload: [] }],
    ['a string payload', { type: 'key.getState', payload: 'x' }],
  ])('refuses %s as bad-payload', async (_name, message) => {
    const { router, getState: handler } = makeRouter();
    const r = await router.handle(message, optionsPage);
    expect(r).toEqual({ ok: false, error: { code: 'bad-payload', message: expect.any(String) } });
    expect(handler).not.toHaveBeenCalled();
  });

  it.each(['key.nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])('refuses unknown type %s', async (type) => {
    const { router } = makeRouter();
    const r = await router.handle({ type, payload: {} }, optionsPage);
    expect(r.ok === false && r.error.code).toBe('unknown-type');
  });

  it('refuses oversized page requests before the handler runs', async () => {
    const check = vi.fn(async () => ({ ok: true as const }));
    const router = createRouter({ page: { 'key.check': check } }, { extensionId: ID, extensionOrigin: ORIGIN, maxPageRequestChars: 1000 });
    const r = await router.handle({ type: 'key.check', payload: { keyText: 'a'.repeat(2000) } }, optionsPage);
    expect(r.ok === false && r.error.code).toBe('bad-payload');
    expect(check).not.toHaveBeenCalled();
  });

  it('turns a CommandError into its code and message', async () => {
    const { router } = makeRouter({
      page: {
        'backup.getKey': async () => {
          throw new CommandError('no-key', 'Set up your backup key first.');
        },
      },
    });
    expect(await send(router, { type: 'backup.getKey', payload: {} }, optionsPage)).toEqual({
      ok: false,
      error: { code: 'no-key', message: 'Set up your backup key first.' },
    });
  });

  it('reports other failures as internal, and tells the worker', async () => {
    const onInternalError = vi.fn();
    const router = createRouter(
      { page: { 'key.getState': async () => { throw new TypeError('boom'); } } },
      { extensionId: ID, extensionOrigin: ORIGIN, onInternalError },
    );
    expect(await router.handle(getState, optionsPage)).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(onInternalError).toHaveBeenCalledWith('key.getState', expect.any(TypeError));
  });

  it('refuses to send a result that is not plain JSON', async () => {
    const { router } = makeRouter({
      page: { 'key.getKeyFile': async () => ({ fileName: 'k.age', base64: new Uint8Array([1, 2]) as unknown as string }) },
    });
    const r = await router.handle({ type: 'key.getKeyFile', payload: {} }, optionsPage);
    expect(r.ok === false && r.error.code).toBe('not-json');
  });

  it('maps an undefined result to null so the response keeps its result field', async () => {
    const { router } = makeRouter({ page: { 'backup.getKey': async () => undefined as never } });
    expect(await send(router, { type: 'backup.getKey', payload: {} }, optionsPage)).toEqual({ ok: true, result: null });
  });
});

describe('runtime.onMessage listener', () => {
  it('answers through sendResponse and keeps the channel open', async () => {
    const { router } = makeRouter();
    const responses: ResponseMessage[] = [];
    const kept = router.listener(getState, optionsPage, (r) => responses.push(r));
    expect(kept).toBe(true);
    await vi.waitFor(() => expect(responses).toHaveLength(1));
    expect(responses[0]).toEqual({ ok: true, result: { configured: false, pendingSetup: false } });
  });

  it('refuses a message sent through the fake browser, whose sender is empty', async () => {
    fakeBrowser.reset();
    const { router, getState: handler } = makeRouter();
    fakeBrowser.runtime.onMessage.addListener(router.listener as never);
    const response = (await fakeBrowser.runtime.sendMessage(getState)) as ResponseMessage;
    expect(response.ok === false && response.error.code).toBe('forbidden-sender');
    expect(handler).not.toHaveBeenCalled();
  });
});
