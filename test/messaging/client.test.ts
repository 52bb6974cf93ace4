import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { callWorker } from '../../src/messaging/client';
import { WorkerError } from '../../src/messaging/errors';

afterEach(() => fakeBrowser.reset());

describe('callWorker', () => {
  it('sends {type, payload} and returns the result', async () => {
    const seen: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener(((message: unknown, _sender: unknown, sendResponse: (r: unknown) => void) => {
      seen.push(message);
      sendResponse({ ok: true, result: { recipient: 'age1x', keyId: '0123456789abcdef' } });
      return true;
    }) as never);
    await expect(callWorker('backup.getKey', {})).resolves.toEqual({ recipient: 'age1x', keyId: '0123456789abcdef' });
    expect(seen).toEqual([{ type: 'backup.getKey', payload: {} }]);
  });

  it('throws a WorkerError carrying the code of a refusal', async () => {
    fakeBrowser.runtime.onMessage.addListener(((_m: unknown, _s: unknown, sendResponse: (r: unknown) => void) => {
      sendResponse({ ok: false, error: { code: 'no-key', message: 'no key yet' } });
      return true;
    }) as never);
    const error = await callWorker('backup.getKey', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toMatchObject({ code: 'no-key', message: 'no key yet' });
  });

  it('throws unreachable when nobody listens, and no-response on a malformed answer', async () => {
    await expect(callWorker('key.getState', {})).rejects.toMatchObject({ code: 'unreachable' });
    fakeBrowser.runtime.onMessage.addListener(((_m: unknown, _s: unknown, sendResponse: (r: unknown) => void) => {
      sendResponse({ ok: 'yes' });
      return true;
    }) as never);
    await expect(callWorker('key.getState', {})).rejects.toMatchObject({ code: 'no-response' });
  });

  it('reports a sendMessage failure without losing the reason', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValueOnce(new Error('Could not establish connection.'));
    await expect(callWorker('key.getState', {})).rejects.toMatchObject({ code: 'unreachable', message: 'Could not establish connection.' });
  });
});
