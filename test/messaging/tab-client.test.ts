import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { WorkerError } from '../../src/messaging/errors';
import { activeTabId, callTab, NoContentScriptError } from '../../src/messaging/tab-client';

beforeEach(() => fakeBrowser.reset());

describe('tab client', () => {
  it('finds the active tab of the current window', async () => {
    const query = vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([{ id: 9 }] as never);
    expect(await activeTabId()).toBe(9);
    expect(query).toHaveBeenCalledWith({ active: true, currentWindow: true });
    query.mockResolvedValue([] as never);
    expect(await activeTabId()).toBeNull();
  });

  it('sends the envelope to the tab and unwraps the result', async () => {
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true, result: { ok: true } } as never);
    expect(await callTab(4, 'capture.start', {})).toEqual({ ok: true });
    expect(send).toHaveBeenCalledWith(4, { type: 'capture.start', payload: {} });
  });

  it('a tab without our content script is NoContentScriptError; a refusal is WorkerError', async () => {
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage');
    send.mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));
    await expect(callTab(4, 'capture.status', {})).rejects.toBeInstanceOf(NoContentScriptError);
    send.mockResolvedValue(undefined as never);
    await expect(callTab(4, 'capture.status', {})).rejects.toBeInstanceOf(NoContentScriptError);
    send.mockResolvedValue({ ok: false, error: { code: 'internal', message: 'x' } } as never);
    await expect(callTab(4, 'capture.status', {})).rejects.toEqual(new WorkerError('internal', 'x'));
  });
});
