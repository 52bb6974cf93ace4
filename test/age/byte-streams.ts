// Test fixture: a byte stream (like a Blob's or a fetch body's) over bytes in memory. It answers
// each pull with at most `piece` bytes (Infinity: as many as the read has room for), written into the reader's own buffer for a BYOB reader
// (or one the stream allocates for a default reader), and counts its pulls.
export interface CountedByteStream {
  stream: ReadableStream<Uint8Array>;
  /** Reads the stream answered (pulls). */
  pulls(): number;
  cancelled(): boolean;
  /** The largest buffer a read brought: above `piece` only when readers bring their own (BYOB). */
  largestRead(): number;
}

export function byteStreamOf(bytes: Uint8Array, piece = 64 * 1024): CountedByteStream {
  let offset = 0;
  let pulls = 0;
  let cancelled = false;
  let largest = 0;
  const stream = new ReadableStream(
    {
      type: 'bytes',
      autoAllocateChunkSize: Number.isFinite(piece) ? piece : 64 * 1024,
      pull(controller) {
        pulls++;
        const request = controller.byobRequest!;
        if (offset >= bytes.length) {
          controller.close();
          request.respond(0);
          return;
        }
        const view = request.view!;
        largest = Math.max(largest, view.byteLength);
        const n = Math.min(piece, view.byteLength, bytes.length - offset);
        new Uint8Array(view.buffer, view.byteOffset, n).set(bytes.subarray(offset, offset + n));
        offset += n;
        request.respond(n);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  ) as ReadableStream<Uint8Array>;
  return { stream, pulls: () => pulls, cancelled: () => cancelled, largestRead: () => largest };
}

/** A re-readable Source of byte streams over `bytes`. */
export function byteSource(bytes: Uint8Array, piece?: number): () => ReadableStream<Uint8Array> {
  return () => byteStreamOf(bytes, piece).stream;
}
