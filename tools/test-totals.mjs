// Counting tests from the JSON reports of vitest and Playwright, for tools/test-all.mjs.
// Each returns { passed, failed, skipped, problems }: problems name failures that are not a test
// of their own (a test file that does not load, an error outside any test), each counted once.
import path from 'node:path';

export function countVitest(report, root = process.cwd()) {
  const out = { passed: 0, failed: 0, skipped: 0, problems: [] };
  for (const file of report.testResults ?? []) {
    const results = file.assertionResults ?? [];
    for (const t of results) {
      if (t.status === 'passed') out.passed += 1;
      else if (t.status === 'failed') out.failed += 1;
      else out.skipped += 1; // skipped, pending, todo, disabled
    }
    if (file.status === 'failed' && !results.some((t) => t.status === 'failed')) {
      out.failed += 1;
      out.problems.push(`unit test file ${path.relative(root, file.name)}: ${(file.message || 'failed').split('\n')[0]}`);
    }
  }
  return out;
}

export function countPlaywright(report) {
  const out = { passed: 0, failed: 0, skipped: 0, problems: [] };
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        // expected = passed; unexpected = failed; flaky = failed, then passed on a retry (retries
        // are off, and a flaky test is not a pass); skipped = skipped or never run.
        if (t.status === 'expected') out.passed += 1;
        else if (t.status === 'skipped') out.skipped += 1;
        else out.failed += 1;
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  (report.suites ?? []).forEach(walk);
  const errors = report.errors ?? [];
  if (errors.length) {
    out.failed += 1;
    out.problems.push(`end-to-end run: ${(errors[0].message ?? 'error').split('\n')[0]}`);
  }
  return out;
}
