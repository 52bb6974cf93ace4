// One measurement inside a real MV3 service worker: launches Debian's Chromium with the bench-only
// extension (bench/out/sw-ext), runs one operation in its worker through Playwright, and samples
// DevTools Runtime.getHeapUsage on the worker every 50 ms over a second DevTools connection.
// Prints one JSON line: { ms, bytes, cipher, peakHeap, peakJsHeap, medianHeap, samples }.
//   node bench/sw-run.mjs encrypt SIZE [--sink=byob|default] [--live]
//   node bench/sw-run.mjs encrypt-blob SIZE MEDIA_URL [--sink=byob|default] [--live]
//        (media as Blobs fetched from MEDIA_URL/media-0 … before sampling starts)
//   node bench/sw-run.mjs verify URL [--live]
// --sink: how the encrypt sink reads the ciphertext (ops.ts; default byob).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { connectDevTools } from './devtools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const extension = join(here, 'out', 'sw-ext');
const [op, arg, ...rest] = process.argv.slice(2);
const flags = rest.filter((a) => a.startsWith('--'));
const mediaUrl = rest.find((a) => !a.startsWith('--'));
const sink = flags.find((f) => f.startsWith('--sink='))?.slice('--sink='.length) ?? 'byob';
// --live: collect garbage before every sample, so the peak is what the worker still holds (in-flight
// chunks, buffers) rather than how far the garbage collector let dead buffers pile up. Costs time:
// throughput comes from the run without it.
const live = flags.includes('--live');

const profile = mkdtempSync(join(tmpdir(), 'chatseal-bench-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--disable-extensions-except=${extension}`,
    `--load-extension=${extension}`,
    // A second DevTools endpoint beside Playwright's pipe: Playwright opens CDP sessions for pages
    // and frames only, and the heap of the worker target is what we must sample.
    '--remote-debugging-port=0',
  ],
});
try {
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker');
  const port = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.type === 'service_worker' && t.url === worker.url());
  if (target === undefined) throw new Error(`no DevTools target for ${worker.url()}`);
  const devtools = await connectDevTools(target.webSocketDebuggerUrl);

  // Setup that is not part of the measured operation (building Blob media) happens before sampling.
  if (op === 'encrypt-blob') await worker.evaluate((url) => globalThis.chatsealBench.prepareBlobs(url, 4), mediaUrl);

  // The asserted measure: the worker's heap usage as DevTools reports it, sampled every 50 ms with
  // nothing forced: usedSize (V8's JavaScript heap) + embedderHeapUsedSize (Blink's garbage-
  // collected heap: streams, promises' native parts, fetch bodies) + backingStorageSize (the
  // contents of ArrayBuffers, where every 64 KiB chunk of a backup lives). See bench/RESULTS.md.
  let peakHeap = 0;
  let peakJsHeap = 0;
  let samples = 0;
  let maxGapMs = 0;
  let last = performance.now();
  const totals = [];
  const series = [];
  const started = performance.now();
  const sample = async () => {
    if (live) await devtools.send('HeapProfiler.collectGarbage');
    const usage = await devtools.send('Runtime.getHeapUsage');
    for (const field of ['usedSize', 'embedderHeapUsedSize', 'backingStorageSize']) {
      if (typeof usage[field] !== 'number') throw new Error(`Runtime.getHeapUsage has no ${field}: ${JSON.stringify(usage)}`);
    }
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    samples++;
    const total = usage.usedSize + usage.embedderHeapUsedSize + usage.backingStorageSize;
    totals.push(total);
    if (process.env.CHATSEAL_BENCH_SERIES) series.push([Math.round(now - started), usage.usedSize, usage.embedderHeapUsedSize, usage.backingStorageSize]);
    peakJsHeap = Math.max(peakJsHeap, usage.usedSize);
    peakHeap = Math.max(peakHeap, total);
  };
  await sample();
  let sampling = true;
  let samplerError;
  const sampler = (async () => {
    while (sampling) {
      const next = new Promise((r) => setTimeout(r, 50));
      try {
        await sample();
      } catch (e) {
        samplerError ??= e;
      }
      await next;
    }
  })();
  const measured =
    op === 'encrypt'
      ? worker.evaluate(([size, reader]) => globalThis.chatsealBench.encrypt(size, reader), [Number(arg), sink])
      : op === 'encrypt-blob'
        ? worker.evaluate(([size, reader]) => globalThis.chatsealBench.encryptBlob(size, reader), [Number(arg), sink])
        : worker.evaluate((url) => globalThis.chatsealBench.verify(url), arg);
  // Chromium may stop a service worker (a crash, its time limits): the run fails instead of waiting.
  const stopped = new Promise((_, reject) => worker.once('close', () => reject(new Error(`the service worker stopped during ${op} after ${Math.round(performance.now() - started)} ms`))));
  const result = await Promise.race([measured, stopped]);
  sampling = false;
  await sampler;
  await sample();
  devtools.close();
  // Diagnostics: the whole heap time series (ms, used, embedder, backing store), when asked for.
  if (process.env.CHATSEAL_BENCH_SERIES) writeFileSync(process.env.CHATSEAL_BENCH_SERIES, JSON.stringify(series));
  // A sample that failed would leave a gap in the maximum: the run does not count.
  if (samplerError !== undefined) throw samplerError;
  const sorted = totals.sort((x, y) => x - y);
  const medianHeap = sorted[sorted.length >> 1];
  process.stdout.write(`${JSON.stringify({ ...result, peakHeap, peakJsHeap, medianHeap, samples, maxGapMs: Math.round(maxGapMs) })}\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
