// The strict header reader: what it accepts, and which kind each refusal gets.
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';
import { AgeError, type AgeErrorKind } from '../../src/age/errors';
import { checkStanzas, decodeCanonicalBase64, MAX_HEADER_LINE, readHeader, scryptWorkFactor } from '../../src/age/header';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { bytesSource } from '../../src/age/gate';

const enc = new TextEncoder();
const B43 = 'A'.repeat(42) + 'A'; // 43 chars -> 32 zero bytes, canonical
const MAC = `--- ${B43}\n`;
const X = `-> X25519 ${B43}\n${B43}\n`;
const KEYID = '-> chatseal.app/key-id 0123456789abcdef\n\n';

async function parse(text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  return readHeader(new ByteReader(bytesSource(bytes, 7)()));
}

async function kindOf(text: string | Uint8Array): Promise<AgeErrorKind> {
  try {
    await parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AgeError);
    return (e as AgeError).kind;
  }
  throw new Error('accepted');
}

describe('readHeader', () => {
  it('accepts a well-formed header and returns its exact bytes, stanzas, MAC and key id', async () => {
    const text = `age-encryption.org/v1\n${KEYID}${X}${MAC}`;
    const h = await parse(text + 'payload');
    expect(new TextDecoder().decode(h.bytes)).toBe(text);
    expect(h.keyId).toBe('0123456789abcdef');
    expect(h.stanzas.map((s) => s.args[0])).toEqual(['chatseal.app/key-id', 'X25519']);
    expect(h.stanzas[0]!.body.length).toBe(0);
    expect(h.mac.length).toBe(32);
  });

  it('reads the header age-encryption writes, leaving the reader at the nonce', async () => {
    const file = await encryptAgeBytes(enc.encode('hi'), { recipients: ['age13aqvttdk3ujkyjh9kg2w5an6dmy5mq5a84a4uxk3hfhnugfc9p0sy5p2wh'], keyId: '86023963e580d6a0' });
    const reader = new ByteReader(bytesSource(file)());
    const h = await readHeader(reader);
    expect(reader.offset).toBe(h.bytes.length);
    expect(h.keyId).toBe('86023963e580d6a0');
    expect(file.length - h.bytes.length).toBe(16 + 2 + 16);
  });

  it('handles multi-line bodies: 64-column lines continue, a shorter one ends', async () => {
    const long = `-> grease ${'x'}\n${'A'.repeat(64)}\n${'A'.repeat(64)}\n\n`;
    const h = await parse(`age-encryption.org/v1\n${long}${X}${MAC}`);
    expect(h.stanzas[0]!.body.length).toBe(96);
    expect(await kindOf(`age-encryption.org/v1\n-> grease\n${'A'.repeat(65)}\n${X}${MAC}`)).toBe('header');
  });

  it.each([
    ['CRLF line ends', `age-encryption.org/v1\r\n${X}${MAC}`],
    ['a stanza without arguments', `age-encryption.org/v1\n->\n\n${MAC}`],
    ['an empty argument', `age-encryption.org/v1\n-> X25519  ${B43}\n${B43}\n${MAC}`],
    ['non-canonical body base64', `age-encryption.org/v1\n-> X25519 ${B43}\n${'A'.repeat(42)}B\n${MAC}`],
    ['padded base64', `age-encryption.org/v1\n-> x\nAA==\n${MAC}`],
    ['no stanza', `age-encryption.org/v1\n${MAC}`],
    ['MAC without space', `age-encryption.org/v1\n${X}---${B43}\n`],
    ['short MAC', `age-encryption.org/v1\n${X}--- AAAA\n`],
    ['an X25519 share of 33 bytes', `age-encryption.org/v1\n-> X25519 ${'A'.repeat(44)}\n${B43}\n${MAC}`],
    ['an X25519 body of 48 bytes', `age-encryption.org/v1\n-> X25519 ${B43}\n${'A'.repeat(64)}\n\n${MAC}`],
    ['scrypt beside another stanza', `age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 10\n${B43}\n${X}${MAC}`],
    ['scrypt work factor with a leading zero', `age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 010\n${B43}\n${MAC}`],
    ['a key-id stanza that is not first', `age-encryption.org/v1\n${X}${KEYID}${MAC}`],
    ['two key-id stanzas', `age-encryption.org/v1\n${KEYID}${KEYID}${X}${MAC}`],
    ['an upper-case key id', `age-encryption.org/v1\n-> chatseal.app/key-id 0123456789ABCDEF\n\n${X}${MAC}`],
    ['a key-id stanza with a body', `age-encryption.org/v1\n-> chatseal.app/key-id 0123456789abcdef\nAAAA\n${X}${MAC}`],
    ['a tab in the header', `age-encryption.org/v1\n-> X25519\t${B43}\n${B43}\n${MAC}`],
    ['another age version', `age-encryption.org/v1x\n${X}${MAC}`],
  ])('refuses %s as a header error', async (_, text) => {
    expect(await kindOf(text)).toBe('header');
  });

  it('tells files that are not age from damaged ChatSeal headers', async () => {
    expect(await kindOf('')).toBe('not-age');
    expect(await kindOf('PK\x03\x04 something else entirely, long enough to look at')).toBe('not-age');
    expect(await kindOf(`age-encryption.org/v2\n${X}${MAC}`)).toBe('not-age');
    // a damaged version line is still ours when the key-id stanza stands at byte 22
    expect(await kindOf(`age-encryptioX.org/v1\n${KEYID}${X}${MAC}`)).toBe('header');
  });

  it('calls a file that ends inside its header truncated, when what is there could be valid', async () => {
    const full = `age-encryption.org/v1\n${KEYID}${X}${MAC}`;
    for (const cut of [1, 5, 21, 22, 30, 60, full.length - 1]) expect(await kindOf(full.slice(0, cut)), `cut ${cut}`).toBe('truncated');
  });

  it('refuses over-long lines without reading on', async () => {
    expect(await kindOf(`age-encryption.org/v1\n-> ${'x'.repeat(MAX_HEADER_LINE)}\n`)).toBe('header');
  });

  it('checks known stanza types and leaves others alone', () => {
    const body = new Uint8Array(32);
    expect(checkStanzas([{ args: ['X25519', B43], body }])).toBeNull();
    expect(checkStanzas([{ args: ['something.example/v1', 'x', 'y'], body: new Uint8Array(5) }])).toBeNull();
    expect(checkStanzas([{ args: ['X25519', B43, 'extra'], body }])).toMatch(/X25519/);
  });

  it('decodes canonical base64 only', () => {
    expect(decodeCanonicalBase64('AQ')).toEqual(Uint8Array.of(1));
    expect(decodeCanonicalBase64('AR')).toBeNull();
    expect(decodeCanonicalBase64('AQ==')).toBeNull();
    expect(decodeCanonicalBase64('A')).toBeNull();
    expect(decodeCanonicalBase64('')).toEqual(new Uint8Array(0));
  });

  it('reports the scrypt work factor of a passphrase header', async () => {
    const h = await parse(`age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\n${B43}\n${MAC}`);
    expect(scryptWorkFactor(h)).toBe(18);
    expect(scryptWorkFactor(await parse(`age-encryption.org/v1\n${X}${MAC}`))).toBeNull();
  });
});
