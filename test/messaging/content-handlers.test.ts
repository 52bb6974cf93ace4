import { describe, expect, it, vi } from 'vitest';
import { createContentHandlers } from '../../src/messaging/content-handlers';

describe('content handlers', () => {
  it('capture.status answers the key state and both capture settings', async () => {
    const handlers = createContentHandlers({
      keyReady: async () => true,
      captureImages: async () => false,
      historySince: async () => '2024-03-12',
      openOptions: async () => undefined,
    });
    expect(await handlers['capture.status']({}, {} as never)).toEqual({ keyReady: true, captureImages: false, historySince: '2024-03-12' });
  });

  it('capture.openOptions opens the options page', async () => {
    const openOptions = vi.fn(async () => undefined);
    const handlers = createContentHandlers({ keyReady: async () => false, captureImages: async () => true, historySince: async () => null, openOptions });
    expect(await handlers['capture.openOptions']({}, {} as never)).toEqual({ ok: true });
    expect(openOptions).toHaveBeenCalledTimes(1);
  });
});
