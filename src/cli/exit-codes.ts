// The CLI's exit codes. Each failure a user can act on differently gets its own number, so scripts
// can tell "you typed the key wrong" from "the file is damaged" without parsing messages.
// docs/CLI.md documents the same table; keep them together.
export const ExitCode = {
  ok: 0,
  usage: 1,
  badKeyInput: 2,
  notABackup: 3,
  wrongKey: 4,
  corrupted: 5,
  truncated: 6,
  macFailed: 7,
  wrongPassword: 8,
  io: 9,
  badExport: 10,
  /** A bug: an error none of the above explains (the message carries the stack). */
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure the CLI reports as one message and one exit code. `hint` is an optional second line
 * saying what to do next (UX.md: every failure explained with the next step); `detail` is the
 * technical finding behind it (which chunk, which check), printed only with --verbose.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: ExitCode,
    message: string,
    readonly hint?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function usageError(message: string, hint = 'Run "chatseal help" for usage.'): CliError {
  return new CliError(ExitCode.usage, message, hint);
}
