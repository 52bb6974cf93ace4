// Runs the built CLI as a child process, as a user would. Each test file builds its own copy of
// the bundle (tools/build-cli.mjs with a private outfile), so parallel test files never race on
// dist-cli/ and the tests always run the current source.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function buildCliCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatseal-cli-build-'));
  const outfile = join(dir, 'chatseal.mjs');
  const script = `import('./tools/build-cli.mjs').then((m) => m.buildCli({ quiet: true, outfile: ${JSON.stringify(outfile)} }))`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });
  return outfile;
}

/** Runs `node BUNDLE ...args`; `input` is written to standard input (a pipe, so not a terminal). */
export function runCli(bundle: string, args: string[], options: { input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}
