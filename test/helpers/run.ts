// Runs the command-line tools the tests use as independent judges: the ChatSeal CLI (Node),
// Debian's `age` and `tar`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, testEnv } from './browser';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Uint8Array;
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? testEnv(),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Throws with the command's stderr unless it exits 0. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}\n${r.stderr}\n${r.stdout.toString('utf8')}`);
  }
  return r;
}

export const CLI = path.join(REPO_ROOT, 'bin', 'chatseal.mjs');

/** The ChatSeal CLI from this repository, as `npx chatseal` would run it. */
export function chatseal(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], opts);
}

/** Entry names of a tar archive, in order, as Debian's tar lists them. */
export async function tarList(tarPath: string): Promise<string[]> {
  const r = await runOk('tar', ['-tf', tarPath]);
  return r.stdout.toString('utf8').split('\n').filter(Boolean);
}
