// npm run bench:capture — how fast "Encrypted export" captures a long chat, against the fixture's
// own floor, with the production build in Debian's Chromium and the site fixtures served at the
// real hostnames (test/fixtures/sites). Issue 3, Done when 4. Not part of `npm test`.
//
// For each fixture (WhatsApp 20,000 messages, Discord 20,000; 50 a batch, 150 ms latency):
//   floor      the fixture alone, scrolled to the top by a script as fast as it loads, in the same
//              browser: what no capture can beat; also batches × latency, the theoretical floor
//   capture    click the injected button, wait for the overlay's end state (backup in the outbox)
//   ratio      capture time / (batches × latency)  — aim: < 1.25
//   heap       page (DevTools Runtime.getHeapUsage on the page) and worker (the same on the service
//              worker target, over a second DevTools connection) before and after the capture
// The backup is decrypted with the CLI to count the messages it holds.
//
// Run with tsx (the e2e helpers are TypeScript) and Node 20's WebSocket:
// `node --experimental-websocket --import tsx bench/capture.mjs` (what the npm script does).
// Environment: CHATSEAL_BENCH_TOTAL (default 20000), CHATSEAL_BENCH_SITES (default
// "whatsapp,discord"), CHATSEAL_BENCH_WRITE=1 to add the table to bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureServer } from '../test/fixtures/sites/server.mjs';
import { launchExtension } from '../test/helpers/browser.ts';
import {
  captureEndOf,
  decryptBackup,
  exportButton,
  firstDifference,
  fixtureStats,
  fixtureUrl,
  groundTruth,
  openFixture,
  outboxBackups,
  setUpTestKey,
} from '../test/e2e/capture-steps.ts';
import { connectDevTools } from './devtools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const TOTAL = Number(process.env.CHATSEAL_BENCH_TOTAL ?? 20000);
const BATCH = 50;
const LATENCY = 150;
const SITES = (process.env.CHATSEAL_BENCH_SITES ?? 'whatsapp,discord').split(',');
// Site knobs: WhatsApp without its phone gate (a click and a wait that are not batches × latency).
const SITE_KNOBS = { whatsapp: { gate: 'none' }, discord: {} };

/** usedSize + embedderHeapUsedSize + backingStorageSize, as bench:crypto measures the worker. */
const heapOf = (u) => u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0);

async function workerHeap(ext) {
  const port = readFileSync(join(ext.userDataDir, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  const sw = await ext.currentWorker();
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.type === 'service_worker' && t.url === sw.url());
  if (!target) throw new Error(`no DevTools target for ${sw.url()}`);
  const devtools = await connectDevTools(target.webSocketDebuggerUrl);
  try {
    return heapOf(await devtools.send('Runtime.getHeapUsage'));
  } finally {
    devtools.close();
  }
}

async function pageHeap(cdp) {
  return heapOf(await cdp.send('Runtime.getHeapUsage'));
}

/**
 * outboxBackups() from the e2e steps, run under tsx: esbuild's keepNames wraps the helper's inner
 * arrow functions in __name(), which the worker (where Playwright evaluates them) does not define.
 * Playwright's own test runner does not; the bench gives the worker an identity __name first.
 */
async function backupsInOutbox(ext) {
  await (await ext.currentWorker()).evaluate('globalThis.__name ??= (f) => f');
  return outboxBackups(ext);
}

/**
 * waitForCaptureEnd() of the e2e steps, reading the overlay's shadow root directly: Playwright's
 * role locator walks the whole page on every poll, work that on a 20,000-row page competes with the
 * capture it measures.
 */
async function captureEnd(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.evaluate(`document.querySelector('[data-chatseal-overlay]')?.shadowRoot?.textContent ?? ''`);
    const end = captureEndOf(text);
    if (end) return { end, text };
    if (Date.now() > deadline) throw new Error(`capture did not end within ${timeoutMs} ms; overlay says: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** In the page: the list's own scroller (the nearest scrolling ancestor of its rows). */
const FIND_SCROLLER = `(() => {
  let el = globalThis.__chatsealFixture.list.mountedRows()[0];
  while (el && !(/(auto|scroll)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight)) el = el.parentElement;
  if (!el) throw new Error('no scrolling element above the rows');
  return el;
})()`;

/**
 * Bench-only probe in the page (nothing in the extension changes): the time each older batch is
 * asked for (the fixture's fetch counter moving, seen from a scroll listener added after the
 * fixture's own, so it runs in the same event) and the time it lands (the list's 'batch' event).
 * With them the capture splits into: click → first fetch, fetch → landing (latency + the
 * fixture's work), landing → next fetch (the engine: scan, sending to the worker, media, waits),
 * last landing → saved (finalize + encrypt).
 */
async function installProbe(page) {
  await page.evaluate(`(() => {
    const fixture = globalThis.__chatsealFixture;
    const scroller = ${FIND_SCROLLER};
    const probe = { asked: [], landed: [] };
    let fetches = fixture.stats().fetches;
    scroller.addEventListener('scroll', () => {
      const now = fixture.stats().fetches;
      if (now !== fetches) probe.asked.push(performance.now());
      fetches = now;
    }, { passive: true });
    fixture.list.on('batch', () => {
      probe.landed.push(performance.now());
      fetches = fixture.stats().fetches;
    });
    globalThis.__chatsealBenchProbe = probe;
  })()`);
}

async function readProbe(page, clickedAt, endedAt) {
  const { asked, landed, origin } = await page.evaluate(() => ({ ...globalThis.__chatsealBenchProbe, origin: performance.timeOrigin }));
  // Node's and the page's performance clocks differ in origin: convert the page's to epoch ms.
  const abs = (t) => origin + t;
  const gaps = []; // landing → next ask
  const waits = []; // ask → its landing
  let j = 0;
  for (const a of asked) {
    while (j < landed.length && landed[j] < a) j++;
    if (j < landed.length) waits.push(landed[j] - a);
  }
  let k = 0;
  for (const l of landed) {
    while (k < asked.length && asked[k] <= l) k++;
    if (k < asked.length) gaps.push(asked[k] - l);
  }
  const sorted = gaps.slice().sort((x, y) => x - y);
  const pct = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const sum = (xs) => xs.reduce((s, x) => s + x, 0);
  const mean = (xs) => (xs.length ? sum(xs) / xs.length : NaN);
  return {
    asks: asked.length,
    lands: landed.length,
    toFirstAsk: asked.length ? abs(asked[0]) - clickedAt : NaN,
    inWaits: sum(waits),
    inGaps: sum(gaps),
    gapMedian: pct(0.5),
    gapP90: pct(0.9),
    gapMax: sorted.at(-1) ?? 0,
    longGaps: gaps.filter((g) => g >= 1000).length,
    // The trend: a gap that grows with the history read means per-batch work over every row so far.
    gapFirstTenth: mean(gaps.slice(0, Math.max(1, Math.floor(gaps.length / 10)))),
    gapLastTenth: mean(gaps.slice(-Math.max(1, Math.floor(gaps.length / 10)))),
    afterLast: landed.length ? endedAt - abs(landed.at(-1)) : NaN,
  };
}

/** The fixture alone: a script scrolls its list to the top as soon as each batch lands. */
async function measureFloor(ext, url) {
  const page = await ext.context.newPage();
  await openFixture(page, url);
  const ms = await page.evaluate(async () => {
    const fixture = globalThis.__chatsealFixture;
    let el = fixture.list.mountedRows()[0];
    while (el && !(/(auto|scroll)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight)) el = el.parentElement;
    if (!el) throw new Error('no scrolling element above the rows');
    const started = performance.now();
    while (!fixture.stats().atStart) {
      el.scrollTop = 0;
      await new Promise((r) => setTimeout(r, 2));
    }
    return performance.now() - started;
  });
  const stats = await fixtureStats(page);
  await page.close();
  return { ms, batches: stats.batches, workMs: stats.workMs };
}

async function benchSite(ext, key, site, tmp) {
  const url = fixtureUrl(site, { total: TOTAL, batch: BATCH, latency: LATENCY, ...SITE_KNOBS[site] });
  const floor = await measureFloor(ext, url);

  const page = await ext.context.newPage();
  await openFixture(page, url);
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const before = { page: await pageHeap(cdp), worker: await workerHeap(ext) };
  await installProbe(page);
  const known = (await backupsInOutbox(ext)).length;
  const clickedAt = Date.now();
  const started = performance.now();
  await exportButton(page).click();
  const end = await captureEnd(page, 30 * 60_000);
  const ms = performance.now() - started;
  const endedAt = Date.now();
  const after = { page: await pageHeap(cdp), worker: await workerHeap(ext) };
  const stats = await fixtureStats(page);
  const probe = await readProbe(page, clickedAt, endedAt);
  if (end.end !== 'saved') throw new Error(`${site}: capture ended '${end.end}': ${end.text}`);
  const backups = await backupsInOutbox(ext);
  if (backups.length !== known + 1) throw new Error(`${site}: ${backups.length - known} new backups in the outbox, expected 1`);
  const doc = await decryptBackup(backups.at(-1), key.digits, tmp);
  const truth = await groundTruth(page);
  const diff = firstDifference(doc.messages, truth);
  await page.close();
  const theoretical = stats.batches * LATENCY;
  return {
    site,
    messages: doc.messages.length,
    truth: truth.length,
    equal: diff < 0,
    firstDiff: diff,
    complete: doc.capture.reachedStart && doc.capture.stopReason === 'reached-start',
    workMs: stats.workMs,
    hollowMs: stats.hollowMs,
    floorWorkMs: floor.workMs,
    floorBatches: floor.batches,
    probe,
    ms,
    perSecond: doc.messages.length / (ms / 1000),
    batches: stats.batches,
    theoretical,
    floorMs: floor.ms,
    ratio: ms / theoretical,
    ratioToMeasured: ms / floor.ms,
    removedOrEmptied: stats.removed + stats.emptied,
    maxMounted: stats.maxMounted,
    before,
    after,
  };
}

const fmt = (n, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (b) => fmt(b / MiB);

function table(rows) {
  const head =
    '| fixture | messages / ground truth (complete, equal) | capture s | messages/s | batches | floor s (batches × latency) | floor s (measured: fixture alone) | fixture work s (capture / floor run) | **ratio** | ratio to measured | page heap MiB before → after | worker heap MiB before → after | rows removed/emptied, max mounted |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.site} ${fmt(TOTAL, 0)} | ${fmt(r.messages, 0)} / ${fmt(r.truth, 0)} (${r.complete ? 'yes' : 'NO'}, ${r.equal ? 'yes' : `NO: #${r.firstDiff}`}) | ${fmt(r.ms / 1000)} | ${fmt(r.perSecond, 0)} | ${r.batches} | ${fmt(r.theoretical / 1000)} | ${fmt(r.floorMs / 1000)} | ${fmt(r.workMs / 1000)} / ${fmt(r.floorWorkMs / 1000)} | **${fmt(r.ratio, 2)}** | ${fmt(r.ratioToMeasured, 2)} | ${mib(r.before.page)} → ${mib(r.after.page)} | ${mib(r.before.worker)} → ${mib(r.after.worker)} | ${fmt(r.removedOrEmptied, 0)}, ${r.maxMounted} |`,
  );
  return [head, ...lines].join('\n');
}

/** Where the capture's time goes, from the page probe (seconds; the parts add up to the capture time). */
function breakdown(rows) {
  const head =
    '| fixture | click → first batch asked | asked → landed (latency + fixture work), Σ | landed → next asked (the engine), Σ | of which gaps ≥ 1 s | gap median / p90 / max ms | gap mean, first / last tenth of batches, ms | last landed → saved (way back to the newest, finalize, encrypt) | asks / landings |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(({ site, probe: p }) =>
    `| ${site} | ${fmt(p.toFirstAsk / 1000, 2)} | ${fmt(p.inWaits / 1000)} | **${fmt(p.inGaps / 1000)}** | ${p.longGaps} | ${fmt(p.gapMedian, 0)} / ${fmt(p.gapP90, 0)} / ${fmt(p.gapMax, 0)} | ${fmt(p.gapFirstTenth, 0)} / ${fmt(p.gapLastTenth, 0)} | ${fmt(p.afterLast / 1000, 2)} | ${p.asks} / ${p.lands} |`,
  );
  return [head, ...lines].join('\n');
}

const tmp = mkdtempSync(join(tmpdir(), 'chatseal-bench-capture-'));
const server = await startFixtureServer();
const ext = await launchExtension({ hostMap: server.hostMap, extraArgs: ['--remote-debugging-port=0'] });
// A 20,000-message fixture builds its data and first rows before 'load': on the shared VM that
// takes longer than Playwright's 30 s default.
ext.context.setDefaultTimeout(5 * 60_000);
ext.context.setDefaultNavigationTimeout(5 * 60_000);
const load = [];
const rows = [];
try {
  const key = await setUpTestKey(ext);
  for (const site of SITES) {
    load.push(loadavg()[0]);
    const row = await benchSite(ext, key, site, tmp);
    load.push(loadavg()[0]);
    rows.push(row);
    console.error(`${site}: ${fmt(row.ms / 1000)} s, ratio ${fmt(row.ratio, 2)}, ${row.messages}/${row.truth} equal=${row.equal}`, JSON.stringify(row.probe));
  }
} finally {
  await ext.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}

const chromium = execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
  .toString()
  .trim();
const report = [
  `## ${new Date().toISOString().slice(0, 10)}: capture (\`npm run bench:capture\`)`,
  '',
  `${TOTAL.toLocaleString('en-US')}-message fixtures, ${BATCH} a batch, ${LATENCY} ms latency, windowing on (WhatsApp hollow, Discord unmount), production build, ${chromium}, 1-minute load average ${fmt(Math.min(...load))}–${fmt(Math.max(...load))}.`,
  'Capture time runs from the click to the overlay saying the backup is saved (so it includes finalizing and encrypting). Ratio = capture time / (batches × latency); "measured" floor = the fixture alone scrolled to its start by a script in the same browser. Heap = DevTools Runtime.getHeapUsage (used + embedder + backing store), page after a forced collection before the click, nothing forced after. Fixture work = the fixture’s own stats().workMs (mounting each batch, and WhatsApp’s hollowing pass), in the capture and in the floor run: time the page spends that is not the engine’s. The capture is checked: the backup decrypted with the CLI must be complete (reached-start) and equal to the fixture’s ground truth, message by message.',
  '',
  table(rows),
  '',
  'Where the time goes (a probe in the page: when the fixture is asked for an older batch, when it lands):',
  '',
  breakdown(rows),
  '',
].join('\n');
console.log(report);
if (process.env.CHATSEAL_BENCH_WRITE === '1') {
  const file = join(here, 'RESULTS.md');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('\n## ');
  writeFileSync(file, at < 0 ? `${text}\n${report}` : `${text.slice(0, at + 1)}${report}\n${text.slice(at + 1)}`);
}
// A bench that measured a broken capture is worthless: fail loudly.
for (const r of rows) {
  if (!r.complete || !r.equal) {
    console.error(`${r.site}: capture NOT complete or NOT equal to the ground truth (${r.messages} of ${r.truth}, first difference #${r.firstDiff})`);
    process.exitCode = 1;
  }
}
