// Runs a command inside a pseudo-terminal, answering its prompts. Debian's `age` reads passphrases
// only from a terminal (/dev/tty), so tests drive it through util-linux `script`, which gives the
// child a pty and relays our stdin to it. `expect` is not installed here; this needs nothing else.
import { spawn } from 'node:child_process';

export interface PtyAnswer {
  /** Text (or pattern) in the terminal output to wait for, e.g. "Enter passphrase". */
  prompt: string | RegExp;
  /** What to type; a carriage return (Enter) is added. */
  text: string;
}

export interface PtyResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything the terminal showed (prompts, echo, messages, \r\n line ends). */
  output: string;
}

export interface PtyOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  answers?: PtyAnswer[];
  timeoutMs?: number;
}

/** POSIX shell quoting, since `script -c` takes one command line. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function runInPty(cmd: string, args: string[], opts: PtyOptions = {}): Promise<PtyResult> {
  const line = [cmd, ...args].map(shellQuote).join(' ');
  const answers = [...(opts.answers ?? [])];
  return new Promise((resolve, reject) => {
    // -q: no "Script started" banner; -e: exit with the child's status; -c: the command; the
    // typescript file goes to /dev/null.
    const child = spawn('script', ['-qec', line, '/dev/null'], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let searchFrom = 0;
    const answerIfPrompted = (): void => {
      const next = answers[0];
      if (!next) return;
      const rest = output.slice(searchFrom);
      const match = typeof next.prompt === 'string' ? rest.indexOf(next.prompt) : rest.search(next.prompt);
      if (match < 0) return;
      answers.shift();
      searchFrom = output.length;
      child.stdin.write(`${next.text}\r`);
      answerIfPrompted();
    };
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      answerIfPrompted();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      answerIfPrompted();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out in a pty: ${line}\n--- terminal so far ---\n${output}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (answers.length > 0) {
        reject(new Error(`exited (${code ?? signal}) before prompt ${String(answers[0]!.prompt)}\n${output}`));
        return;
      }
      resolve({ code, signal, output });
    });
  });
}
