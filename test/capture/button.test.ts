// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUTTON_ATTR, ButtonManager } from '../../src/capture/button';
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
