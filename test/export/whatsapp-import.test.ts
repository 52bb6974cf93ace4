import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nobleSha256 } from '../../src/age/primitives';
import { sha256Hex } from '../../src/crypto/bytes';
import { extensionOf, mimeForName } from '../../src/export/mime';
import type { ChatExport } from '../../src/export/types';
import { validateExport } from '../../src/export/validate';
import { importWhatsAppFile, openWhatsAppFile } from '../../src/export/whatsapp-import';
import { attachMedia, type StoredMedia } from '../../src/export/whatsapp-zip';
import { WhatsAppImportError } from '../../src/export/whatsapp-txt';

const FIXTURES = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(FIXTURES + name));

interface Fixture {
  file: string;
  /** The name the user's file would carry (defaults to `file`). */
  fileName?: string;
  me: string;
  locale?: string;
  covers: string;
}

const FIXTURE_TABLE: Record<string, Fixture> = {
  'ios-24h-crlf': { file: 'ios-24h-crlf.txt', me: 'Daniel Okafor', covers: 'iOS, 24-hour with seconds, CRLF, marks, <attached:>, image omitted' },
  'sample-android': { file: 'sample-android.txt', me: 'Maya', covers: 'Android en-US 12-hour with U+202F, <Media omitted>, ~40 messages' },
  'android-24h-dmy': { file: 'android-24h-dmy.txt', me: 'Ana Costa', covers: 'Android day-first 24-hour, (file attached) of every kind' },
  'ambiguous-dates': { file: 'ambiguous-dates.txt', me: 'Sophie Martin', locale: 'en-GB', covers: 'every day <= 12: locale decides, warning' },
  'group-rtl': { file: 'group-rtl.txt', me: 'Ravi Menon', covers: 'iOS group: notices, multi-line, deleted, edited, emoji, Arabic, Hebrew' },
  'dotted-ampm': { file: 'dotted-ampm.txt', me: 'Lucía Gómez', covers: 'dotted dates, a. m./p. m. with U+00A0, Spanish markers' },
  'unreadable-lines': { file: 'unreadable-lines.txt', me: 'Hannah Kim', covers: 'lines that cannot be read are reported' },
  'ios-media': { file: 'ios-media.zip', fileName: 'WhatsApp Chat - Priya Raman.zip', me: 'Felix Braun', covers: 'iOS .zip with media' },
};

/** What the import page does with a zip's media: store each file, then fill the attachments. */
async function storeMedia(doc: ChatExport, media: Array<{ name: string; read(): Promise<Uint8Array> }>): Promise<ChatExport> {
  const stored = new Map<string, StoredMedia>();
  for (const entry of media) {
    const bytes = await entry.read();
    const sha256 = await sha256Hex(bytes);
    const ext = extensionOf(entry.name);
    const mime = mimeForName(entry.name);
    stored.set(entry.name, { sha256, size: bytes.length, path: `media/${sha256}${ext ? '.' + ext : ''}`, ...(mime ? { mime } : {}) });
  }
  return attachMedia(doc, stored);
}

/** The parts of a document that legitimately differ between runs. */
function comparable(doc: ChatExport): ChatExport {
  return {
    ...doc,
    capture: {
      ...doc.capture,
      startedAt: 'ignored',
      finishedAt: 'ignored',
      tool: { ...doc.capture.tool, version: 'ignored' },
    },
  };
}

async function runFixture(f: Fixture): Promise<ChatExport> {
  const file = await openWhatsAppFile(read(f.file), f.fileName ?? f.file);
  let doc = importWhatsAppFile(file, { me: f.me, ...(f.locale ? { locale: f.locale } : {}) });
  if (file.kind === 'zip') doc = await storeMedia(doc, file.media);
  return doc;
}

describe('WhatsApp export fixtures, compared field by field with their expected JSON', () => {
  it('has at least eight fixtures, each with an expected document, one of them a zip', () => {
    const expected = readdirSync(FIXTURES).filter((n) => n.endsWith('.expected.json'));
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(expected.map((n) => n.replace('.expected.json', '')).sort()).toEqual(Object.keys(FIXTURE_TABLE).sort());
    expect(Object.values(FIXTURE_TABLE).some((f) => f.file.endsWith('.zip'))).toBe(true);
  });

  for (const [name, f] of Object.entries(FIXTURE_TABLE)) {
    it(`${name}: ${f.covers}`, async () => {
      const doc = await runFixture(f);
      const expected = JSON.parse(readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8')) as ChatExport;
      const report = validateExport(doc);
      expect(report.errors).toEqual([]);
      expect(report.valid).toBe(true);
      // Message by message first, so a failure names the message.
      expect(doc.messages.length).toBe(expected.messages.length);
      doc.messages.forEach((m, i) => expect(m, `message ${i}`).toEqual(expected.messages[i]));
      expect(comparable(doc)).toEqual(comparable(expected));
    });
  }

  it('gives the same keys when the same file is imported again, whoever is "me"', async () => {
    const f = FIXTURE_TABLE['sample-android']!;
    const a = await runFixture(f);
    const b = await runFixture({ ...f, me: 'Jonas Weber' });
    expect(b.messages.map((m) => m.key)).toEqual(a.messages.map((m) => m.key));
    expect(b.messages.find((m) => m.sender?.name === 'Maya')?.direction).toBe('in');
  });

  it('reads the ambiguous file month-first under an en-US locale', async () => {
    const doc = await runFixture({ ...FIXTURE_TABLE['ambiguous-dates']!, locale: 'en-US' });
    expect(doc.capture.dateOrder).toBe('mdy');
    expect(doc.messages.map((m) => m.timestamp.value.slice(0, 10))).toEqual([
      '2026-03-04', '2026-03-04', '2026-03-04', '2026-05-04', '2026-07-04', '2026-07-04', '2026-11-04', '2026-11-04',
    ]);
    expect(doc.capture.warnings.find((w) => w.code === 'date-order-from-locale')?.message).toContain('en-US');
  });
});

describe('importWhatsAppFile with a chosen date order', () => {
  it('reads an ambiguous file in the chosen order and records that the user chose it', async () => {
    const file = await openWhatsAppFile(read('ambiguous-dates.txt'), 'ambiguous-dates.txt');
    const byLocale = importWhatsAppFile(file, { me: 'Sophie Martin', locale: 'en-US' });
    const chosen = importWhatsAppFile(file, { me: 'Sophie Martin', locale: 'en-US', dateOrder: 'dmy' });
    expect(chosen.capture.dateOrder).toBe('dmy');
    expect(chosen.messages[0]!.timestamp.value).toBe('2026-04-03T09:15');
    expect(byLocale.messages[0]!.timestamp.value).toBe('2026-03-04T09:15');
    // Same messages, same keys: only the dates differ.
    expect(chosen.messages.map((m) => m.key)).toEqual(byLocale.messages.map((m) => m.key));
    const codes = chosen.capture.warnings.map((w) => w.code);
    expect(codes).toContain('date-order-chosen');
    expect(codes).not.toContain('date-order-from-locale');
    expect(chosen.capture.warnings.find((w) => w.code === 'date-order-chosen')!.message).toContain('day/month/year, as chosen');
    expect(validateExport(chosen).errors).toEqual([]);
    expect(importWhatsAppFile(file, { me: 'Sophie Martin', dateOrder: 'mdy' }).capture.dateOrder).toBe('mdy');
  });

  it('leaves a file whose dates decide the order as it is', async () => {
    const file = await openWhatsAppFile(read('android-24h-dmy.txt'), 'android-24h-dmy.txt');
    const doc = importWhatsAppFile(file, { me: 'Ana Costa', dateOrder: 'mdy' });
    expect(doc.capture.dateOrder).toBe('dmy');
    expect(doc.capture.warnings.map((w) => w.code)).not.toContain('date-order-chosen');
  });
});

describe('openWhatsAppFile', () => {
  it('records the picked file\u2019s size and SHA-256, and tells a zip from a text file', async () => {
    const bytes = read('ios-media.zip');
    const file = await openWhatsAppFile(bytes, 'x.zip');
    expect(file.kind).toBe('zip');
    expect(file.chatFileName).toBe('_chat.txt');
    expect(file.size).toBe(bytes.length);
    expect(file.sha256).toBe(await sha256Hex(bytes));
    expect(file.media.map((m) => m.name).sort()).toEqual([
      '00000003-PHOTO-2026-11-20-09-14-30.jpg',
      '00000004-AUDIO-2026-11-20-09-15-11.opus',
    ]);
    const txt = await openWhatsAppFile(read('sample-android.txt'), 'sample-android.txt');
    expect(txt.kind).toBe('txt');
    expect(txt.media).toEqual([]);
  });

  it('opens a File (a Blob) as it opens bytes, hashing a zip as it streams and reporting progress', async () => {
    const bytes = read('ios-media.zip');
    const fromBytes = await openWhatsAppFile(bytes, 'x.zip');
    const progress: number[] = [];
    let updates = 0;
    const file = await openWhatsAppFile(new File([bytes], 'x.zip'), 'x.zip', {
      onProgress: (p) => progress.push(p),
      sha256: () => {
        const inner = nobleSha256();
        return { update: (d) => (updates++, inner.update(d)), digest: () => inner.digest() };
      },
    });
    expect(updates).toBeGreaterThan(0);
    expect({ ...file, media: file.media.map((m) => [m.name, m.size]) }).toEqual({ ...fromBytes, media: fromBytes.media.map((m) => [m.name, m.size]) });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => Number.isInteger(p * 100) && (i === 0 || p > progress[i - 1]!))).toBe(true);
    const txt = await openWhatsAppFile(new File([read('sample-android.txt')], 'chat.txt'), 'chat.txt');
    expect(txt).toEqual(await openWhatsAppFile(read('sample-android.txt'), 'chat.txt'));
  });

  it('decodes invalid UTF-8 with replacement characters and says so', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('12/11/2026, 10:00 - Ann: caf'), 0xe9, 0x0a]);
    const file = await openWhatsAppFile(bytes, 'chat.txt');
    expect(file.lossy).toBe(true);
    const doc = importWhatsAppFile(file, { me: 'Ann' });
    expect(doc.messages[0]?.text).toBe('caf\uFFFD');
    expect(doc.capture.warnings.map((w) => w.code)).toContain('invalid-utf8');
  });

  it('refuses a file that is no WhatsApp export', async () => {
    const file = await openWhatsAppFile(new TextEncoder().encode('hello\nworld\n'), 'notes.txt');
    expect(() => importWhatsAppFile(file)).toThrow(WhatsAppImportError);
    try {
      importWhatsAppFile(file);
    } catch (error) {
      expect((error as WhatsAppImportError).kind).toBe('not-a-whatsapp-export');
    }
  });
});
