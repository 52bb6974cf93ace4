// Reading byte streams without a fresh buffer per chunk. A default reader hands out a new
// ArrayBuffer for every chunk; over a backup of hundreds of MiB those dead buffers pile up between
// garbage collections (V8 collects only after tens of MiB of them). Streams that are byte streams
// (Blob.stream(), fetch bodies, `type: 'bytes'` sources) can instead fill a buffer the reader
// owns and passes back on every read (BYOB), so reading allocates nothing.

/** A BYOB reader for `stream` when it is a byte stream, else null (and the stream stays unlocked). */
export function byobReaderOf(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch (e) {
    // Not a byte stream (spec: TypeError before locking). A locked stream is the caller's error.
    if (stream.locked) throw e;
    return null;
  }
}

/** ReadableStreamBYOBReader.read's `min` option (Streams standard, 2024), which TypeScript's DOM types lack. */
type ReadWithMin = (view: Uint8Array<ArrayBuffer>, options: { min: number }) => Promise<ReadableStreamReadResult<Uint8Array<ArrayBuffer>>>;

/**
 * One BYOB read into `view` that completes only once `min` bytes are in (default: all of it) or
 * the stream ends: fewer, larger reads, and each read costs the browser some bookkeeping objects.
 * At the end the last bytes may come with `done` true. `bytes` is the filled view (over `view`'s
 * buffer, now transferred to it) or null when nothing was read; `buffer` is that buffer either way
 * (null only if the stream took it, being cancelled while the read waited).
 */
export async function readAtLeast(
  reader: ReadableStreamBYOBReader,
  view: Uint8Array<ArrayBuffer>,
  min = view.length,
): Promise<{ bytes: Uint8Array<ArrayBuffer> | null; buffer: ArrayBuffer | null; done: boolean }> {
  const { done, value } = await (reader.read as unknown as ReadWithMin).call(reader, view, { min });
  return { bytes: value !== undefined && value.length > 0 ? value : null, buffer: value?.buffer ?? null, done };
}

/**
 * The bytes of `stream`, in order, as views that are valid only until the next iteration: for a
 * byte stream they are views into one buffer of `bufferSize` bytes refilled by every read; for
 * any other stream they are its own chunks. Stopping early cancels the stream.
 */
export async function* borrowedChunks(stream: ReadableStream<Uint8Array>, bufferSize: number): AsyncGenerator<Uint8Array, void> {
  const byob = byobReaderOf(stream);
  const reader = byob ?? stream.getReader();
  let finished = false;
  try {
    if (byob !== null) {
      let buffer = new ArrayBuffer(bufferSize);
      for (;;) {
        const read = await readAtLeast(byob, new Uint8Array(buffer));
        // The read transferred the buffer to the view it returned: that one is used next time.
        if (read.buffer !== null) buffer = read.buffer;
        if (read.bytes !== null) yield read.bytes;
        if (read.done) break;
      }
    } else {
      const plain = reader as ReadableStreamDefaultReader<Uint8Array>;
      for (;;) {
        const { done, value } = await plain.read();
        if (done) break;
        if (!(value instanceof Uint8Array)) throw new TypeError('source stream must yield Uint8Array chunks');
        if (value.length > 0) yield value;
      }
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
