// Service worker of the bench-only extension (bench/out/sw-ext): the same src/backup modules as
// the real extension, bundled with esbuild instead of WXT, so the production extension carries no
// benchmark code. The orchestrator calls these through DevTools (Playwright's worker.evaluate).
import { defaultCipherName } from '../../src/age/primitives';
import { encryptExport, verifyExport, type OpResult } from './ops';

/** A Source over an HTTP URL: each call starts a new fetch, read lazily. */
function urlSource(url: string): () => ReadableStream<Uint8Array> {
  return () => {
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (reader === undefined) {
          const response = await fetch(url, { cache: 'no-store' });
          if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
          reader = response.body.getReader();
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel(reason) {
        await reader?.cancel(reason);
      },
    });
  };
}

/**
 * The worker's stand-in for /dev/null: each write completes as a separate task, as a write to
 * IndexedDB or an upload would, and the bytes are dropped. (A sink that returns at once would let
 * the whole backup run as one chain of microtasks, never giving the event loop back.)
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function discardAsTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

// The extension's defaults (WebCrypto's ChaCha20-Poly1305 when it passes its self-test); the
// result says which cipher that was.
const api = {
  encrypt: async (size: number): Promise<OpResult & { cipher: string }> => ({ ...(await encryptExport(size, discardAsTask)), cipher: await defaultCipherName() }),
  encryptBlob: async (size: number): Promise<OpResult & { cipher: string }> => ({
    ...(await encryptExport(size, discardAsTask, undefined, 'blob')),
    cipher: await defaultCipherName(),
  }),
  verify: async (url: string): Promise<OpResult & { cipher: string }> => ({ ...(await verifyExport(urlSource(url))), cipher: await defaultCipherName() }),
};

(globalThis as unknown as { chatsealBench: typeof api }).chatsealBench = api;
