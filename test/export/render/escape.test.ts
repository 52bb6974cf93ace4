import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/export/render/escape';

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('leaves everything else alone, including non-ASCII and already escaped text (escaped again)', () => {
    expect(escapeHtml('Grüße 👋 \u200e 1 > 0')).toBe('Grüße 👋 \u200e 1 &gt; 0');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('is the one escaper: the chat renderer and the recovery kit both import it', () => {
    for (const file of ['src/export/render/html.ts', 'src/ui/recovery-kit.ts']) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).toMatch(/import \{ escapeHtml \} from '[./]*(export\/render\/)?escape'/);
      expect(source, file).not.toMatch(/function escapeHtml/);
    }
  });
});
