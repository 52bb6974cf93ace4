// bin/chatseal.mjs, the package's bin: runs the bundled CLI (building it first when needed), so
// `npx chatseal …` works in the repository right after `npm ci`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bin/chatseal.mjs', () => {
  it('runs the CLI with its arguments and exit code', () => {
    const version = execFileSync(process.execPath, ['bin/chatseal.mjs', '--version'], { cwd: root }).toString();
    expect(version).toMatch(/^chatseal \d+\.\d+\.\d+\n$/);
    let code = 0;
    try {
      execFileSync(process.execPath, ['bin/chatseal.mjs', 'frobnicate'], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(1);
  }, 60_000);
});
