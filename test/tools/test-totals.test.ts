// The verdict of `npm test` rests on these counts: skipped tests and failures outside any test
// must never disappear from them.
import { describe, expect, it } from 'vitest';
import { countPlaywright, countVitest } from '../../tools/test-totals.mjs';

const vitestFile = (name: string, statuses: string[], fileStatus = 'passed', message = '') => ({
  name: `/repo/test/${name}`,
  status: fileStatus,
  message,
  assertionResults: statuses.map((status, i) => ({ title: `t${i}`, status })),
});

describe('countVitest', () => {
  it('counts passed, failed and every kind of not-run test', () => {
    const report = {
      testResults: [
        vitestFile('a.test.ts', ['passed', 'passed', 'failed'], 'failed'),
        vitestFile('b.test.ts', ['skipped', 'pending', 'todo', 'passed']),
      ],
    };
    expect(countVitest(report, '/repo')).toEqual({ passed: 3, failed: 1, skipped: 3, problems: [] });
  });

  it('counts a file that fails without a failed test (it did not load) as one failure', () => {
    const report = { testResults: [vitestFile('broken.test.ts', [], 'failed', 'SyntaxError: Unexpected token\n  at …')] };
    expect(countVitest(report, '/repo')).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
      problems: ['unit test file test/broken.test.ts: SyntaxError: Unexpected token'],
    });
  });
});

describe('countPlaywright', () => {
  const spec = (...statuses: string[]) => ({ title: 's', tests: statuses.map((status) => ({ status })) });

  it('walks nested suites; flaky is not a pass, skipped is counted', () => {
    const report = {
      suites: [
        { title: 'a.spec.ts', specs: [spec('expected'), spec('unexpected')], suites: [{ title: 'inner', specs: [spec('flaky', 'skipped')] }] },
        { title: 'b.spec.ts', specs: [spec('expected')] },
      ],
      errors: [],
    };
    expect(countPlaywright(report)).toEqual({ passed: 2, failed: 2, skipped: 1, problems: [] });
  });

  it('counts an error outside any test (global setup, a spec that does not load) as one failure', () => {
    const report = { suites: [], errors: [{ message: 'Error: No extension build at /x: run `npm run build` first.\nstack' }] };
    expect(countPlaywright(report)).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
      problems: ['end-to-end run: Error: No extension build at /x: run `npm run build` first.'],
    });
  });
});
