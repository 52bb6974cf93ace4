// The chatseal CLI's entry point (bundled to dist-cli/chatseal.mjs by tools/build-cli.mjs).
// Parses the command line, runs one command, and turns every failure into one message on
// standard error and one exit code (exit-codes.ts, docs/CLI.md).
import { parseCommandLine, type CommandName, type ParsedOptions } from './args';
import { ExitCode } from './exit-codes';
import { describeFailure } from './failures';
import { helpText } from './help';
import { VERSION } from './version';
import { runConvert } from './commands/convert';
import { runDecrypt } from './commands/decrypt';
import { runEncrypt } from './commands/encrypt';
import { runInspect } from './commands/inspect';
import { runVerify } from './commands/verify';

type Runner = (file: string, options: ParsedOptions) => Promise<void>;

const RUNNERS: Record<CommandName, Runner> = {
  decrypt: runDecrypt,
  verify: runVerify,
  inspect: runInspect,
  convert: runConvert,
  encrypt: runEncrypt,
};

export async function main(argv: readonly string[]): Promise<number> {
  let command: CommandName | undefined;
  let file: string | undefined;
  // Read before parsing, so even a usage error can show its detail.
  const verbose = argv.includes('--verbose');
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      process.stdout.write(`${helpText(parsed.topic)}\n`);
      return ExitCode.ok;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`chatseal ${VERSION}\n`);
      return ExitCode.ok;
    }
    command = parsed.command;
    file = parsed.file;
    await RUNNERS[parsed.command](parsed.file, parsed.options);
    return ExitCode.ok;
  } catch (e) {
    const failure = await describeFailure(e, { command, file });
    process.stderr.write(`chatseal: ${failure.message}\n`);
    if (failure.hint !== undefined) process.stderr.write(`${failure.hint}\n`);
    if (verbose && failure.detail !== undefined) process.stderr.write(`details: ${failure.detail}\n`);
    return failure.code;
  }
}

process.exitCode = await main(process.argv.slice(2));
