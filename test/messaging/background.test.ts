import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../entrypoints/background';
import type { ResponseMessage } from '../../src/messaging/protocol';

beforeEach(() => {
  fakeBrowser.reset();
  background.main();
});
afterEach(() => fakeBrowser.reset());

describe('background wiring', () => {
  it('opens the options page on first install only', async () => {
    const open = vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    expect(open).not.toHaveBeenCalled();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('answers messages through the router, which refuses senders that are not our pages', async () => {
    // fakeBrowser delivers with an empty sender: exactly what an unknown sender looks like.
    const response = (await fakeBrowser.runtime.sendMessage({ type: 'key.getState', payload: {} })) as ResponseMessage;
    expect(response).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
  });
});
