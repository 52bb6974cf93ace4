// The benchmark's export: a fixed chat plus media totalling the requested size, generated as
// streams so neither Node nor the service worker ever holds a whole media file.
// The same code runs in both contexts (bundled separately for each).
import { SCHEMA_VERSION, type ChatExport, type Message } from '../../src/export/types';

export const MiB = 1024 * 1024;

/** Media entries per export: "a few", so per-entry overhead is realistic but not dominant. */
export const MEDIA_ENTRIES = 4;
const CHUNK = 256 * 1024;
export const CHAT_MESSAGES = 2000;

/** Sizes of the media entries for an export of `total` bytes (the fixed chat is extra, ~0.3 MiB). */
export function mediaSizes(total: number): number[] {
  const each = Math.floor(total / MEDIA_ENTRIES);
  return Array.from({ length: MEDIA_ENTRIES }, (_, i) => (i === MEDIA_ENTRIES - 1 ? total - each * (MEDIA_ENTRIES - 1) : each));
}

/** A 256 KiB pseudo-random block (xorshift32 from `seed`): incompressible, and the same every time. */
function pseudoRandomBlock(seed: number): Uint8Array {
  const words = new Uint32Array(CHUNK / 4);
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}

/**
 * `size` pseudo-random bytes as a byte stream, like a File's or a Blob's (both are byte streams in
 * browsers): byte p is block[p mod 256 KiB], except that each 256 KiB block starts with its index
 * (big-endian uint32), so blocks differ. Deterministic per `entry`, because the writer reads a
 * media stream factory twice (hash, write). A reader that brings its own buffer (BYOB) has it
 * filled in place; a default reader gets a fresh 256 KiB chunk per read, as from a Blob.
 */
export function mediaStream(size: number, entry: number): ReadableStream<Uint8Array> {
  const block = pseudoRandomBlock(entry + 1);
  let sent = 0;
  return new ReadableStream(
    {
      type: 'bytes',
      autoAllocateChunkSize: CHUNK,
      pull(controller) {
        const request = controller.byobRequest!;
        if (sent >= size) {
          controller.close();
          request.respond(0);
          return;
        }
        const view = request.view!;
        const into = new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, size - sent));
        fillFrom(block, sent, into);
        sent += into.length;
        request.respond(into.length);
      },
    },
    { highWaterMark: 0 },
  ) as ReadableStream<Uint8Array>;
}

/** Writes the workload's bytes at positions [at, at + into.length) into `into`. */
function fillFrom(block: Uint8Array, at: number, into: Uint8Array): void {
  let done = 0;
  while (done < into.length) {
    const position = at + done;
    const offset = position % CHUNK;
    const n = Math.min(CHUNK - offset, into.length - done);
    into.set(block.subarray(offset, offset + n), done);
    // The block's index in its first four bytes.
    const index = Math.floor(position / CHUNK);
    for (let i = offset; i < 4 && i < offset + n; i++) into[done + i - offset] = (index >>> (8 * (3 - i))) & 255;
    done += n;
  }
}

/** The fixed chat: two people, CHAT_MESSAGES text messages, one message per media entry. */
export function fixedChat(media: { path: string; sha256: string; size: number }[]): ChatExport {
  const messages: Message[] = [];
  const start = Date.UTC(2026, 0, 1, 9, 0, 0);
  for (let i = 0; i < CHAT_MESSAGES; i++) {
    const out = i % 3 === 0;
    const when = new Date(start + i * 97_000).toISOString().slice(0, 19);
    messages.push({
      key: `m${i}`,
      timestamp: { value: when, precision: 'second', source: 'export-line' },
      direction: out ? 'out' : 'in',
      sender: { name: out ? 'Me' : 'Alice' },
      kind: 'text',
      text: `Message ${i}: the quick brown fox jumps over the lazy dog, again and again, ${'la '.repeat(i % 20)}`,
    });
  }
  media.forEach((m, i) => {
    messages.push({
      key: `media${i}`,
      timestamp: { value: new Date(start + (CHAT_MESSAGES + i) * 97_000).toISOString().slice(0, 19), precision: 'second', source: 'export-line' },
      direction: 'in',
      sender: { name: 'Alice' },
      kind: 'media',
      attachments: [{ name: `VID-${i}.bin`, mediaType: 'other', size: m.size, sha256: m.sha256, path: m.path, status: 'captured' }],
    });
  });
  const now = new Date(start + (CHAT_MESSAGES + media.length) * 97_000).toISOString();
  return {
    schema: SCHEMA_VERSION,
    source: { site: 'whatsapp-export' },
    conversation: { title: 'Benchmark chat', participants: [{ name: 'Me', isMe: true }, { name: 'Alice' }], isGroup: false },
    capture: {
      startedAt: now,
      finishedAt: now,
      reachedStart: true,
      stopReason: 'end-of-file',
      timeZone: null,
      timestampsAreLocal: true,
      warnings: [],
      unparsedLines: [],
      tool: { name: 'chatseal', version: 'bench' },
    },
    messages,
  };
}

/** The fixed benchmark key (classic, so Debian's age 1.1 can decrypt the same file). */
export const BENCH_SEED_HEX = '636861747365616c2062656e6368206b65792c206e6f74206120736563726574';
