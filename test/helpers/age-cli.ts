// Debian's age as the independent judge: it knows nothing of ChatSeal.
import fs from 'node:fs';
import path from 'node:path';
import { runInPty } from './pty';
import { runOk } from './run';

/** `age -d -i identity.txt -o OUT IN`, the identity written to a file as the recovery kit says. */
export async function ageDecryptWithIdentity(identity: string, input: string, output: string): Promise<void> {
  const idFile = path.join(path.dirname(output), `identity-${path.basename(output)}.txt`);
  fs.writeFileSync(idFile, `${identity}\n`, { mode: 0o600 });
  await runOk('age', ['-d', '-i', idFile, '-o', output, input]);
}

/** `age -d -o OUT IN` for a passphrase file: age reads the password only from a terminal. */
export async function ageDecryptWithPassword(input: string, output: string, password: string): Promise<void> {
  const r = await runInPty('age', ['-d', '-o', output, input], {
    answers: [{ prompt: /passphrase/i, text: password }],
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`age -d exited ${r.code ?? r.signal}:\n${r.output}`);
}

/** The recipient Debian's age-keygen derives from an identity. */
export async function ageRecipientOf(identityFile: string): Promise<string> {
  return (await runOk('age-keygen', ['-y', identityFile])).stdout.toString('utf8').trim();
}

/** The first AGE-SECRET-KEY-… line of an identity file (age -d of a key file gives one). */
export function identityLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (!line) throw new Error(`no AGE-SECRET-KEY line in:\n${text}`);
  return line.trim();
}
