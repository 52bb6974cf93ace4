#!/usr/bin/env node
// `npm test`: every check, in order, with one verdict at the end.
//   1. typecheck (tsc --noEmit)       2. unit tests (vitest)
//   3. extension build (wxt build)    4. CLI build (tools/build-cli.mjs)
//   5. end-to-end tests (Playwright, real Chromium, the production build from step 3)
// The last line is `N passed, N failed` (plus `, N skipped` when there are any), counting each
// vitest and each Playwright test; a step that fails without tests of its own (typecheck, a
// build, a test file that does not load) counts as one failure. Any failure or skipped test
// makes the exit code 1: we do not ship skipped tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countPlaywright, countVitest } from './test-totals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.reports');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function step(title) {
  console.log(`\n=== ${title} ===`);
}

function exec(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
    child.on('error', (err) => {
      console.error(`cannot run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function stepFailed(what) {
  totals.failed += 1;
  problems.push(what);
  console.log(`FAILED: ${what} (counted as 1 failure)`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function add(counts, label) {
  problems.push(...counts.problems);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

fs.mkdirSync(reports, { recursive: true });
const vitestReport = path.join(reports, 'vitest.json');
const playwrightReport = path.join(reports, 'playwright.json');
for (const f of [vitestReport, playwrightReport]) fs.rmSync(f, { force: true });
const started = Date.now();

step('typecheck: tsc --noEmit');
if ((await exec(bin('tsc'), ['--noEmit', '-p', '.'])) !== 0) stepFailed('typecheck (tsc --noEmit)');

step('unit tests: vitest');
const vitestCode = await exec(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vitest = readJson(vitestReport);
if (vitest) {
  const counts = countVitest(vitest, root);
  add(counts, 'unit tests');
  // e.g. an unhandled error between tests: vitest fails the run without failing a test
  if (vitestCode !== 0 && counts.failed === 0) stepFailed(`unit tests (vitest exited ${vitestCode})`);
} else stepFailed('unit tests (vitest wrote no report)');

step('extension build: npm run build');
// The end-to-end tests sign in to the local Drive (tools/drive-emulator), which accepts only the
// placeholder OAuth client id: the build under test carries it (docs/TESTING.md).
const built = (await exec(npm, ['run', 'build'], { WXT_GOOGLE_CLIENT_ID: 'chatseal-local-test.apps.googleusercontent.com' })) === 0;
if (!built) stepFailed('extension build (npm run build)');

step('CLI build: npm run build:cli');
if (fs.existsSync(path.join(root, 'tools', 'build-cli.mjs'))) {
  if ((await exec(npm, ['run', 'build:cli'])) !== 0) stepFailed('CLI build (npm run build:cli)');
} else {
  console.log('tools/build-cli.mjs does not exist yet: CLI build skipped (the CLI is not part of this checkout).');
}

step('end-to-end tests: playwright test');
if (built) {
  const pwCode = await exec(bin('playwright'), ['test']);
  const pw = readJson(playwrightReport);
  if (pw) {
    const counts = countPlaywright(pw);
    add(counts, 'end-to-end tests');
    if (pwCode !== 0 && counts.failed === 0) stepFailed(`end-to-end tests (playwright exited ${pwCode})`);
  } else stepFailed('end-to-end tests (Playwright wrote no report)');
} else {
  // Never test a stale build: the end-to-end tests did not run, so they all count as failed.
  let listed = 0;
  const list = spawn(bin('playwright'), ['test', '--list', '--reporter=json'], { cwd: root });
  let out = '';
  list.stdout.on('data', (d) => (out += d));
  await new Promise((r) => list.on('close', r));
  try {
    const walk = (s) => (s.specs ?? []).reduce((n, sp) => n + (sp.tests ?? []).length, 0) + (s.suites ?? []).reduce((n, x) => n + walk(x), 0);
    listed = (JSON.parse(out).suites ?? []).reduce((n, s) => n + walk(s), 0);
  } catch {
    listed = 0;
  }
  console.log(`not run, because the extension did not build: ${listed} end-to-end tests counted as failed`);
  totals.failed += listed;
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\n=== summary (${minutes} min) ===`);
for (const p of problems) console.log(`- ${p}`);
if (totals.skipped) console.log(`${totals.skipped} skipped: skipped tests fail the run`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed || totals.skipped || problems.length ? 1 : 0);
