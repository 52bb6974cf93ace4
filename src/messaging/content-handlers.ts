// The worker's answers to chat pages' content scripts (the router has already checked that the
// sender is the top frame of a chat origin). Capture data itself travels over the 'capture' port.
import type { ContentHandlers } from './router';

export interface ContentHandlerDeps {
  keyReady(): Promise<boolean>;
  captureImages(): Promise<boolean>;
  historySince(): Promise<string | null>;
  openOptions(): Promise<void>;
}

export function createContentHandlers(deps: ContentHandlerDeps): ContentHandlers {
  return {
    'capture.status': async () => ({
      keyReady: await deps.keyReady(),
      captureImages: await deps.captureImages(),
      historySince: await deps.historySince(),
    }),
    'capture.openOptions': async () => {
      await deps.openOptions();
      return { ok: true };
    },
  };
}
