// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUTTON_ATTR, ButtonManager } from '../../src/capture/button';
import { CaptureController } from '../../src/capture/controller';
import { fakeAdapter, FakeList } from './fake-list';

let list: FakeList | null = null;
afterEach(() => {
  list?.dispose();
  list = null;
  document.body.replaceChildren();
});

const hosts = () => [...document.querySelectorAll(`[${BUTTON_ATTR}="encrypted-export"]`)];

describe('ButtonManager', () => {
  it('puts exactly one labelled button in the open chat header, in an open shadow root', () => {
    list = new FakeList(document, { total: 10 });
    const click = vi.fn();
    const manager = new ButtonManager(document, () => fakeAdapter(() => list), click, 10);
    manager.sync();
    manager.sync();
    manager.sync();
    expect(hosts()).toHaveLength(1);
    const host = hosts()[0]!;
    expect(host.parentElement).toBe(list.header);
    const button = host.shadowRoot!.querySelector('button')!;
    expect(button.textContent).toBe('Encrypted export');
    expect(button.title).toContain('experimental');
    button.click();
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('follows the app to another chat and removes stray copies', async () => {
    list = new FakeList(document, { total: 10 });
    const manager = new ButtonManager(document, () => fakeAdapter(() => list), () => undefined, 10);
    manager.start();
    expect(hosts()).toHaveLength(1);
    const old = list;
    old.root.remove();
    list = new FakeList(document, { total: 5, chatId: 'chat-2' });
    await vi.waitFor(() => expect(hosts().map((h) => h.parentElement)).toEqual([list!.header]));
    old.root.append(old.header);
    document.body.append(old.root);
    list.header.append(hosts()[0]!.cloneNode());
    manager.sync();
    expect(hosts()).toHaveLength(1);
    manager.stop();
    old.dispose();
  });
});

describe('CaptureController', () => {
  const deps = (overrides = {}) => ({
    doc: document,
    adapter: () => fakeAdapter(() => list),
    connect: () => {
      throw new Error('no port in this test');
    },
    status: async () => ({ keyReady: false, captureImages: true }),
    openOptions: vi.fn(async () => undefined),
    extensionAlive: () => true,
    reload: vi.fn(),
    url: () => 'https://web.whatsapp.com/',
    ...overrides,
  });

  it('opens the options page instead of capturing when no key is set up', async () => {
    list = new FakeList(document, { total: 10 });
    const d = deps();
    const controller = new CaptureController(d);
    expect(await controller.start()).toEqual({ started: false, reason: 'no-key' });
    expect(d.openOptions).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-chatseal-overlay]')).toBeNull();
  });

  it('says the extension was reloaded instead of hanging', async () => {
    list = new FakeList(document, { total: 10 });
    const controller = new CaptureController(deps({ extensionAlive: () => false }));
    expect(await controller.start()).toEqual({ started: false, reason: 'extension-reloaded' });
    const overlay = document.querySelector('[data-chatseal-overlay]')!;
    expect(overlay.shadowRoot!.textContent).toContain('ChatSeal was updated or restarted');
    expect([...overlay.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Reload page', 'Close']);
  });

  it('reports counts only for "Check this chat"', () => {
    list = new FakeList(document, { total: 30, initial: 30, mode: 'hollow' });
    const report = new CaptureController(deps()).probe()!;
    expect(report).toMatchObject({ site: 'whatsapp', chatOpen: true, experimental: true, anchors: [{ name: 'message-id', required: true, form: 0, forms: 1 }] });
    expect(report.rows.mounted).toBe(30);
    expect(report.rows.messages + report.rows.pending).toBe(30);
    expect(report.timestamps).toEqual({ resolved: report.rows.messages, unresolved: 0 });
    expect(JSON.stringify(report)).not.toContain('message 1');
    expect(new CaptureController(deps()).status()).toEqual({ site: 'whatsapp', siteName: 'Fake', experimental: true, chatOpen: true, capturing: false });
  });

  it('says when no chat is open', async () => {
    expect(await new CaptureController(deps()).start()).toEqual({ started: false, reason: 'no-chat' });
  });
});
