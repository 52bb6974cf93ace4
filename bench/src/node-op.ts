// One measurement in a fresh Node process (so peak memory is this operation's alone), on the
// same modules the CLI bundles, with the CLI's native primitives. Prints one JSON line: { ms, bytes, peakRss }.
//   node bench/out/node-op.mjs encrypt SIZE [OUTFILE]   (no OUTFILE: ciphertext to /dev/null)
//   node bench/out/node-op.mjs verify BACKUP
//   node bench/out/node-op.mjs keys                     (the bench key for age: identity, recipient)
//   node bench/out/node-op.mjs media SIZE DIR           (the media files, for the worker's Blob row)
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSource } from '../../src/cli/files';
import { nodePrimitives } from '../../src/cli/native-crypto';
import { fromHex } from '../../src/crypto/bytes';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';
import { BENCH_KEY_TYPE, encryptExport, verifyExport, type OpResult } from './ops';
import { BENCH_SEED_HEX, mediaSizes, mediaStream } from './workload';

let peakRss = process.memoryUsage().rss;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 50);

const [op, arg, outFile] = process.argv.slice(2);
let result: OpResult;
if (op === 'encrypt') {
  // Measured runs write to /dev/null: a real write per chunk, the bytes dropped. The chunks are
  // read as the CLI's file writer reads them (writeStreamAtomically: a default reader).
  const handle = await open(outFile ?? '/dev/null', 'w');
  result = await encryptExport(
    Number(arg),
    async (chunk) => {
      await handle.write(chunk);
    },
    { primitives: nodePrimitives, reader: 'default' },
  );
  await handle.close();
} else if (op === 'keys') {
  // The bench key as Debian's age needs it (identity file, recipient); printed, not timed.
  const seed = fromHex(BENCH_SEED_HEX);
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ identity: seedToIdentity(seed, BENCH_KEY_TYPE), recipient: await seedToRecipient(seed, BENCH_KEY_TYPE) })}\n`);
  process.exit(0);
} else if (op === 'media') {
  // The workload's media files (media-0 …) in the folder `outFile`, for the worker's Blob row to
  // fetch as Blobs; printed, not timed.
  clearInterval(timer);
  const sizes = mediaSizes(Number(arg));
  for (const [i, n] of sizes.entries()) {
    const handle = await open(join(outFile!, `media-${i}`), 'w');
    const reader = mediaStream(n, i).getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(1024 * 1024);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      await handle.write(value);
      buffer = value.buffer as ArrayBuffer;
    }
    await handle.close();
  }
  process.stdout.write(`${JSON.stringify({ files: sizes.length })}\n`);
  process.exit(0);
} else if (op === 'verify') {
  result = await verifyExport(fileSource(arg!), nodePrimitives);
} else {
  throw new Error(`unknown op ${op}`);
}
sample();
clearInterval(timer);
process.stdout.write(`${JSON.stringify({ ...result, peakRss })}\n`);
