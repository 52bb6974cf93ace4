// ChatSeal's own, strict reading of an age v1 header (C2SP age.md). We split the header ourselves
// so that every rejection comes from a rule we checked, and so a file the library would read
// leniently never gets that far. Only a header that passes here is handed to age-encryption, which
// unwraps the file key and checks the header MAC over these exact bytes.
import { base64nopad } from '@scure/base';
import { AgeError } from './errors';
import type { ByteReader } from './bytereader';
import { KEY_ID_STANZA_TYPE, parseKeyIdStanza } from './keyid';

export const VERSION_LINE = 'age-encryption.org/v1';

/** Longest header line we read (a post-quantum stanza's argument line is about 1.5 KB). */
export const MAX_HEADER_LINE = 16 * 1024;
/** Longest header we read; a real one is a few hundred bytes (classic) or about 1.7 KB (pq). */
export const MAX_HEADER_SIZE = 1024 * 1024;
/** Body lines are at most 64 base64 columns; a shorter line (possibly empty) ends the stanza. */
const BODY_COLUMNS = 64;

export interface HeaderStanza {
  /** Space-separated arguments of the `-> ` line; args[0] is the stanza type. */
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

export interface AgeHeader {
  /** The exact header bytes, from the version line through the MAC line's newline. */
  readonly bytes: Uint8Array;
  readonly stanzas: readonly HeaderStanza[];
  readonly mac: Uint8Array;
  /** The key id of ChatSeal's key-id stanza, or null when the header has none. */
  readonly keyId: string | null;
}

const LF = 0x0a;
const ascii = new TextDecoder('ascii');
const RECOGNISED_STANZA_PREFIX = `-> ${KEY_ID_STANZA_TYPE} `;

/**
 * Canonical unpadded base64 (the age header encoding): standard alphabet, no padding, no line
 * breaks, and zero unused bits, checked by re-encoding. Returns null when `text` is not canonical.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = base64nopad.decode(text);
  } catch {
    return null;
  }
  return base64nopad.encode(bytes) === text ? bytes : null;
}

/** Printable ASCII, space included: the only bytes an age header line may hold. */
function isPrintable(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return false;
  return true;
}

/**
 * Whether damaged bytes still look like a ChatSeal file: either the age version line opens the
 * file, or ChatSeal's key-id stanza starts right after the version line's place. One damaged byte
 * anywhere in the first line or the stanza's opening therefore still counts as ours (corrupted),
 * while bytes that show neither are "not age".
 */
function recognised(start: Uint8Array): boolean {
  const text = ascii.decode(start);
  return text.startsWith(VERSION_LINE) || text.slice(VERSION_LINE.length + 1).startsWith(RECOGNISED_STANZA_PREFIX);
}

/**
 * Reads and checks the header from `reader`, leaving it at the first payload byte. Throws AgeError
 * 'not-age', 'header' or 'truncated'.
 */
export async function readHeader(reader: ByteReader): Promise<AgeHeader> {
  const probeLength = VERSION_LINE.length + 1 + RECOGNISED_STANZA_PREFIX.length;
  const have = await reader.fill(probeLength);
  const probe = new Uint8Array(Math.min(have, probeLength));
  for (let i = 0; i < probe.length; i++) probe[i] = reader.peekByte(i)!;
  if (have === 0) throw new AgeError('not-age', 'the file is empty', { offset: 0 });
  const isOurs = recognised(probe);
  if (!isOurs && have < VERSION_LINE.length && ascii.decode(probe) === VERSION_LINE.slice(0, have)) {
    throw new AgeError('truncated', `the file ends after ${have} bytes, inside the age version line`, { offset: have });
  }
  if (!isOurs) throw new AgeError('not-age', 'the file does not begin with an age v1 header', { offset: 0 });

  const transcript: Uint8Array[] = [];
  let size = 0;
  let keyId: string | null = null;
  const fail: (detail: string) => never = (detail) => {
    throw new AgeError('header', detail, { offset: reader.offset, keyId });
  };

  // One header line without its newline; truncation and over-long lines are decided here.
  const nextLine = async (what: string): Promise<string> => {
    const r = await reader.readThrough(LF, Math.min(MAX_HEADER_LINE, MAX_HEADER_SIZE - size));
    if (!r.found) {
      if (r.available >= MAX_HEADER_LINE || size + r.available >= MAX_HEADER_SIZE) fail(`${what} is too long`);
      // The stream ended inside the header: truncated if what is there could still have been valid.
      const partial = await reader.read(r.available);
      if (isPrintable(partial)) {
        throw new AgeError('truncated', `the file ends inside the header (${what})`, {
          offset: reader.offset,
          keyId,
        });
      }
      fail(`${what} holds a byte that is not printable ASCII`);
    }
    const bytes = r.bytes;
    transcript.push(bytes);
    size += bytes.length;
    const line = bytes.subarray(0, bytes.length - 1);
    if (!isPrintable(line)) fail(`${what} holds a byte that is not printable ASCII (CR and tabs included)`);
    return ascii.decode(line);
  };

  const version = await nextLine('the version line');
  if (version !== VERSION_LINE) fail('the first line is not "age-encryption.org/v1"');

  const stanzas: HeaderStanza[] = [];
  let macLine: string;
  for (;;) {
    const line = await nextLine(`line ${stanzas.length + 2}`);
    if (line.startsWith('-> ')) {
      const args = line.slice(3).split(' ');
      if (args.some((a) => a.length === 0)) fail('a stanza line has an empty argument');
      const bodyLines: Uint8Array[] = [];
      for (;;) {
        const text = await nextLine('a stanza body line');
        if (text.length > BODY_COLUMNS) fail('a stanza body line is longer than 64 columns');
        const decoded = decodeCanonicalBase64(text);
        if (decoded === null) fail('a stanza body line is not canonical unpadded base64');
        bodyLines.push(decoded);
        if (text.length < BODY_COLUMNS) break;
      }
      const body = new Uint8Array(bodyLines.reduce((n, b) => n + b.length, 0));
      let o = 0;
      for (const b of bodyLines) {
        body.set(b, o);
        o += b.length;
      }
      const stanza: HeaderStanza = { args, body };
      if (stanzas.length === 0 && args[0] === KEY_ID_STANZA_TYPE) {
        keyId = parseKeyIdStanza(stanza);
        if (keyId === null) fail('the key-id stanza is malformed (one argument of 16 lowercase hex digits, empty body)');
      }
      stanzas.push(stanza);
      continue;
    }
    macLine = line;
    break;
  }
  if (!macLine.startsWith('--- ')) fail('expected a stanza ("-> ") or the MAC line ("--- ")');
  if (stanzas.length === 0) fail('the header has no recipient stanza');
  const mac = decodeCanonicalBase64(macLine.slice(4));
  if (mac === null || mac.length !== 32) fail('the header MAC is not 32 bytes of canonical base64');

  const problem = checkStanzas(stanzas);
  if (problem !== null) fail(problem);

  const bytes = new Uint8Array(size);
  let o = 0;
  for (const t of transcript) {
    bytes.set(t, o);
    o += t.length;
  }
  return { bytes, stanzas, mac, keyId };
}

/** A canonical base64 argument that decodes to exactly `length` bytes. */
function argBytes(arg: string | undefined, length: number): boolean {
  if (arg === undefined) return false;
  const b = decodeCanonicalBase64(arg);
  return b !== null && b.length === length;
}

/** Largest scrypt work factor (log2 N) that is even a number we would look at. */
const SCRYPT_WORK_FACTOR_GRAMMAR_LIMIT = 64;

/**
 * The rules age gives for the stanza types it defines, checked whatever identities we hold (so a
 * file is judged the same way by everyone), plus ChatSeal's key-id stanza rules. Returns the first
 * problem, or null. Unknown types are left alone, as the spec requires.
 */
export function checkStanzas(stanzas: readonly HeaderStanza[]): string | null {
  let keyIdStanzas = 0;
  for (const [i, s] of stanzas.entries()) {
    const type = s.args[0];
    switch (type) {
      case 'X25519':
        if (s.args.length !== 2 || !argBytes(s.args[1], 32)) return 'an X25519 stanza needs one 32-byte share';
        if (s.body.length !== 32) return 'an X25519 stanza body must be 32 bytes';
        break;
      case 'mlkem768x25519':
        if (s.args.length !== 2 || !argBytes(s.args[1], 1120)) return 'an mlkem768x25519 stanza needs one 1120-byte share';
        if (s.body.length !== 32) return 'an mlkem768x25519 stanza body must be 32 bytes';
        break;
      case 'scrypt': {
        if (stanzas.length !== 1) return 'an scrypt stanza must be the only stanza';
        if (s.args.length !== 3 || !argBytes(s.args[1], 16)) return 'an scrypt stanza needs a 16-byte salt and a work factor';
        const wf = s.args[2]!;
        if (!/^[1-9][0-9]*$/.test(wf) || Number(wf) > SCRYPT_WORK_FACTOR_GRAMMAR_LIMIT) {
          return 'the scrypt work factor is not a plain decimal number in range';
        }
        if (s.body.length !== 32) return 'an scrypt stanza body must be 32 bytes';
        break;
      }
      case KEY_ID_STANZA_TYPE:
        keyIdStanzas++;
        if (i !== 0) return 'the key-id stanza must be the first stanza';
        if (keyIdStanzas > 1) return 'the header has more than one key-id stanza';
        // its own shape was checked by parseKeyIdStanza when it was read
        break;
      default:
        break;
    }
  }
  return null;
}

/** The scrypt stanza's work factor (log2 N), when the header is a passphrase header. */
export function scryptWorkFactor(header: AgeHeader): number | null {
  const s = header.stanzas[0];
  return s !== undefined && s.args[0] === 'scrypt' ? Number(s.args[2]) : null;
}
