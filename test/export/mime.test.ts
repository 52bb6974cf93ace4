import { describe, expect, it } from 'vitest';
import { extensionOf, mimeForName } from '../../src/export/mime';

describe('mime', () => {
  it('maps the extensions chat apps use, case-insensitively', () => {
    expect(mimeForName('IMG-1.JPG')).toBe('image/jpeg');
    expect(mimeForName('PTT-1.opus')).toBe('audio/ogg');
    expect(mimeForName('Ann.vcf')).toBe('text/vcard');
    expect(mimeForName('x.unknownext')).toBeUndefined();
    expect(mimeForName('README')).toBeUndefined();
  });

  it('takes the extension of the base name only', () => {
    expect(extensionOf('media/a.b/c')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
    expect(extensionOf('a/b.tar.GZ')).toBe('gz');
  });
});
