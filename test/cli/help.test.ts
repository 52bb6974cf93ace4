import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/args';
import { helpText } from '../../src/cli/help';

describe('help', () => {
  it('lists --verbose for every command, and the exit codes in the overview', () => {
    for (const command of COMMANDS) expect(helpText(command), command).toMatch(/\n {2}--verbose +with a failure, also print its technical detail/);
    expect(helpText()).toContain('6 cut short (the backup or key file)');
    expect(helpText()).toContain('Every command takes --verbose');
  });
});
