// docs/FORMAT.md's test vectors, recomputed from the code and the fixed inputs: the document must
// quote exactly what the code produces (so it cannot drift), the archive must equal the frozen
// backup.tar byte for byte, and independent tools must agree: Node's own HKDF/HMAC/gunzip,
// Debian's age and GNU tar.
import { spawnSync } from 'node:child_process';
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/age/gate';
import { openBackup, verifyBackup } from '../../src/backup/reader';
import { toHex, utf8Decode } from '../../src/crypto/bytes';
import { seedToIdentity } from '../../src/crypto/keys';
import { validateExport } from '../../src/export/validate';
import { computeVector, fixture, VECTOR_SEED, type Vector } from '../fixtures/format/vector';

const doc = readFileSync(path.join(__dirname, '../../docs/FORMAT.md'), 'utf8');

/** Every `<!-- vector:NAME -->` marker with the fenced block after it. */
function docBlocks(): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /<!-- vector:([^ ]+) -->\n```[a-z]*\n([\s\S]*?)\n```/g;
  for (const m of doc.matchAll(re)) out[m[1]!] = m[2]!;
  return out;
}

let vector: Vector;
let values: Map<string, string>;
beforeAll(async () => {
  vector = await computeVector();
  values = new Map(vector.blocks.values!.split('\n').map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
});

describe('docs/FORMAT.md test vectors', () => {
  it('quote exactly what the code computes, block by block', () => {
    const blocks = docBlocks();
    expect(Object.keys(blocks).sort()).toEqual(Object.keys(vector.blocks).sort());
    for (const [name, text] of Object.entries(vector.blocks)) expect(blocks[name], `block ${name}`).toBe(text);
  });

  it('describe input files that are the fixtures', () => {
    const blocks = docBlocks();
    expect(blocks['media.png']!.replace(/\n/g, '')).toBe(toHex(fixture('media.png')));
    expect(blocks['chat.json']).toBe(utf8Decode(fixture('chat.json')));
    expect(blocks['chat.json.gz']!.replace(/\n/g, '')).toBe(toHex(fixture('chat.json.gz')));
  });

  it('produce the frozen archive byte for byte', () => {
    expect(toHex(vector.tar)).toBe(toHex(fixture('backup.tar')));
  });

  it('agree with independent computations (Node crypto and zlib)', () => {
    const seed = Buffer.from(VECTOR_SEED);
    const hkdf = (info: string, n: number) => Buffer.from(hkdfSync('sha256', seed, 'chatseal.app/v1', info, n)).toString('hex');
    expect(values.get('key id')).toBe(hkdf('key-id', 8));
    expect(values.get('mac key')).toBe(hkdf('manifest-mac', 32));
    const manifest = Buffer.from(docBlocks()['manifest.json']! + '\n', 'utf8');
    expect(String(manifest.length)).toBe(values.get('manifest.json size'));
    expect(createHmac('sha256', Buffer.from(values.get('mac key')!, 'hex')).update(manifest).digest('hex')).toBe(values.get('manifest.mac'));
    expect(gunzipSync(fixture('chat.json.gz'))).toEqual(Buffer.from(fixture('chat.json')));
  });

  it('use a chat that is a valid chatseal/1 export', () => {
    const report = validateExport(JSON.parse(utf8Decode(fixture('chat.json'))));
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('open with our reader, from the frozen age file, releasing the entries in order', async () => {
    const file = fixture('backup-classic.age');
    const v = await verifyBackup(bytesSource(file), [{ seed: VECTOR_SEED }]);
    expect(v.keyId).toBe(values.get('key id'));
    expect(v.fileSize).toBe(Number(values.get('classic file size')));
    const names: string[] = [];
    await openBackup(bytesSource(file), [{ seed: VECTOR_SEED }], async (e) => {
      names.push(e.name);
    });
    expect(names).toEqual([values.get('media entry'), 'chat.json.gz', 'manifest.json', 'manifest.mac']);
  });

  it("open with Debian's age, and GNU tar lists the entries in the format's order", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatseal-format-'));
    try {
      const identity = path.join(dir, 'identity.txt');
      writeFileSync(identity, seedToIdentity(VECTOR_SEED, 'classic') + '\n', { mode: 0o600 });
      const age = spawnSync('age', ['-d', '-i', identity, path.join(__dirname, '../fixtures/format/backup-classic.age')]);
      expect(age.status, age.stderr?.toString()).toBe(0);
      expect(toHex(age.stdout)).toBe(toHex(fixture('backup.tar')));
      const tar = spawnSync('tar', ['-tvf', '-'], { input: age.stdout });
      expect(tar.status, tar.stderr?.toString()).toBe(0);
      const lines = tar.stdout.toString().trim().split('\n');
      expect(lines.map((l) => l.split(/\s+/).pop())).toEqual([values.get('media entry'), 'chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
      for (const l of lines) expect(l).toMatch(/^-rw-r--r-- 0\/0 .* 2026-11-26 \d\d:\d\d /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
