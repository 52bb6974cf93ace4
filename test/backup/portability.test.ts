// src/age and src/backup run in the CLI (Node) and in the extension (service worker, extension
// pages): they may use web APIs and pure-JS libraries only, never Node built-ins.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '../../src');

describe('the backup format code', () => {
  it.each(['age', 'backup'])('in src/%s imports no Node built-ins', (dir) => {
    const files = readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(path.join(root, dir, f), 'utf8');
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) {
        expect(spec, `${dir}/${f}`).not.toMatch(/^node:|^(fs|path|os|crypto|zlib|stream|buffer|child_process)$/);
        expect(spec.startsWith('.') || /^(@noble\/|@scure\/|age-encryption$)/.test(spec), `${dir}/${f} imports ${spec}`).toBe(true);
      }
      expect(text, `${dir}/${f}`).not.toMatch(/\bBuffer\.|\bprocess\.|\brequire\(/);
    }
  });
});
