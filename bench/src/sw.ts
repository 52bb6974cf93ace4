// Service worker of the bench-only extension (bench/out/sw-ext): the same src/backup modules as
// the real extension, bundled with esbuild instead of WXT, so the production extension carries no
// benchmark code. The orchestrator calls these through DevTools (Playwright's worker.evaluate).
import { readAtLeast } from '../../src/age/byte-stream';
import { defaultCipherName } from '../../src/age/primitives';
import { encryptExport, verifyExport, type OpResult } from './ops';

/**
 * A Source over an HTTP URL: each call starts a new fetch, read lazily. A byte stream, as a fetch
 * body or a File's stream is, so a reader may bring its own buffer: each request is filled through
 * the body's own BYOB reader and one buffer kept here (a view handed to another reader would be
 * transferred away from this stream), so a read allocates nothing.
 */
function urlSource(url: string): () => ReadableStream<Uint8Array> {
  return () => {
    let reader: ReadableStreamBYOBReader | undefined;
    let buffer = new ArrayBuffer(1024 * 1024);
    return new ReadableStream({
      type: 'bytes',
      autoAllocateChunkSize: 64 * 1024,
      async pull(controller) {
        if (reader === undefined) {
          const response = await fetch(url, { cache: 'no-store' });
          if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
          reader = response.body.getReader({ mode: 'byob' });
        }
        const request = controller.byobRequest!;
        const view = request.view!;
        // As much as the request has room for, in one read of the body where it can.
        const read = await readAtLeast(reader, new Uint8Array(buffer, 0, Math.min(view.byteLength, buffer.byteLength)));
        if (read.buffer !== null) buffer = read.buffer;
        if (read.bytes !== null) {
          new Uint8Array(view.buffer, view.byteOffset, read.bytes.length).set(read.bytes);
          request.respond(read.bytes.length);
        }
        if (read.done) {
          controller.close();
          // A read still waiting for more (its `min` not reached) ends with what it has.
          controller.byobRequest?.respond(0);
        }
      },
      async cancel(reason) {
        await reader?.cancel(reason);
      },
    }) as ReadableStream<Uint8Array>;
  };
}

/**
 * The worker's stand-in for /dev/null: each write completes as a separate task, as a write to
 * IndexedDB or an upload would, and the bytes are dropped (nothing is kept). (A sink that returns
 * at once would let the whole backup run as one chain of microtasks, never giving the event loop
 * back.)
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

let preparedBlobs: Blob[] | undefined;

// The extension's defaults (WebCrypto's ChaCha20-Poly1305 when it passes its self-test); the
// result says which cipher that was.
type SinkReader = 'byob' | 'default';

const api = {
  encrypt: async (size: number, reader: SinkReader): Promise<OpResult & { cipher: string }> => ({
    ...(await encryptExport(size, discardAsTask, { reader })),
    cipher: await defaultCipherName(),
  }),
  /**
   * Fetches the Blob media for encryptBlob before the measurement starts. A fetched body goes
   * into blob storage in the browser process without passing through this worker's heap, so
   * building them leaves no dead buffers behind for the measured operation (a Blob built here
   * from JS chunks would).
   */
  prepareBlobs: async (baseUrl: string, count: number): Promise<void> => {
    const blobs: Blob[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${baseUrl}/media-${i}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET media-${i}: ${response.status}`);
      blobs.push(await response.blob());
    }
    preparedBlobs = blobs;
  },
  encryptBlob: async (size: number, reader: SinkReader): Promise<OpResult & { cipher: string }> => {
    const blobs = preparedBlobs;
    preparedBlobs = undefined;
    if (blobs === undefined) throw new Error('prepareBlobs first');
    return { ...(await encryptExport(size, discardAsTask, { blobs, reader })), cipher: await defaultCipherName() };
  },
  verify: async (url: string): Promise<OpResult & { cipher: string }> => ({ ...(await verifyExport(urlSource(url))), cipher: await defaultCipherName() }),
};

(globalThis as unknown as { chatsealBench: typeof api }).chatsealBench = api;
