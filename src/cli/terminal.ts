// Reading secrets from the person at the terminal, or from standard input when it is not one.
// Secrets never come from the command line (they would land in shell history and `ps`).
import { CliError, ExitCode } from './exit-codes';

/** Largest secret we accept on standard input: a key file or identity list is a few KiB at most. */
const MAX_STDIN_BYTES = 1 << 20;

export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** All of standard input as UTF-8 text (for a key or password piped in). */
export async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_STDIN_BYTES) {
      throw new CliError(ExitCode.badKeyInput, 'standard input is too large to be a key or password');
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Asks on the terminal without echoing what is typed. `isComplete` decides, after each Enter,
 * whether the answer is finished: a 64-digit key is often pasted or typed over several lines, so
 * the key prompt keeps reading until it has enough digits (or an empty line).
 */
export async function promptSecret(question: string, isComplete: (lines: string[]) => boolean = () => true): Promise<string> {
  const stdin = process.stdin;
  const out = process.stderr;
  if (!stdin.isTTY) throw new Error('promptSecret needs a terminal');
  // Echo off before the question appears: anything typed after seeing it must not be shown.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  out.write(question);
  const lines: string[] = [];
  let current = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const finishLine = (): boolean => {
        lines.push(current);
        current = '';
        out.write('\n');
        if (isComplete(lines)) return true;
        out.write('  … ');
        return false;
      };
      const onData = (data: string): void => {
        for (const ch of data) {
          if (ch === '\u0003') {
            stdin.off('data', onData);
            out.write('\n');
            reject(new CliError(ExitCode.interrupted, 'interrupted'));
            return;
          }
          if (ch === '\r' || ch === '\n' || (ch === '\u0004' && current === '')) {
            // Ctrl-D on an empty line ends the answer like an empty line would.
            if (finishLine() || ch === '\u0004') {
              stdin.off('data', onData);
              resolve(lines.join('\n'));
              return;
            }
            continue;
          }
          if (ch === '\u007f' || ch === '\b') {
            current = current.slice(0, -1);
            continue;
          }
          if (ch === '\u0015') {
            current = ''; // Ctrl-U: forget the line typed so far
            continue;
          }
          if (ch >= ' ') current += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
