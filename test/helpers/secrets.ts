// Spellings of a backup key, computed here independently of src/crypto (with @scure/base), and a
// generic search for them in anything a test read back from disk.
import { base64, base64nopad, base64url, base64urlnopad, bech32 } from '@scure/base';

export interface SecretForms {
  seed: Uint8Array;
  hex: string; // lowercase, 64 digits
  /** The 32 bytes as age spells them: classic and post-quantum identity strings (upper case). */
  classicIdentity: string;
  pqIdentity: string;
  /** The Bech32 data characters of the 32 bytes (the part both identity strings share). */
  bech32Data: string;
  base64Forms: string[];
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s-]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not hex: ${hex}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function secretForms(seed: Uint8Array): SecretForms {
  if (seed.length !== 32) throw new Error(`a seed is 32 bytes, got ${seed.length}`);
  const words = bech32.toWords(seed);
  const classic = bech32.encode('age-secret-key-', words, false).toUpperCase();
  const pq = bech32.encode('age-secret-key-pq-', words, false).toUpperCase();
  const dataChars = classic.slice('AGE-SECRET-KEY-1'.length, -6);
  return {
    seed,
    hex: bytesToHex(seed),
    classicIdentity: classic,
    pqIdentity: pq,
    bech32Data: dataChars,
    base64Forms: [base64, base64nopad, base64url, base64urlnopad].map((c) => c.encode(seed)),
  };
}

export interface Finding {
  at: string;
  form: string;
}

const indexOfBytes = (hay: Uint8Array, needle: Uint8Array): number => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
};

const decodeB64 = (s: string): Uint8Array | null => {
  const t = s.replace(/\s/g, '');
  if (t.length < 16 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  const std = t.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  try {
    return base64.decode(std + '='.repeat((4 - (std.length % 4)) % 4));
  } catch {
    return null;
  }
};

/**
 * Walks any JSON-like value (e.g. a StorageDump) and reports every place where the secret appears:
 * raw bytes in binary values (and in strings taken as Latin-1 or UTF-8), hex in either case with or
 * without separators, Bech32 identity strings or their data part in any case, and base64 forms.
 * Strings that are themselves base64 or hex are decoded and searched as bytes too, so a seed
 * embedded at any offset in an encoded blob is still found.
 */
export function findSecret(value: unknown, forms: SecretForms): Finding[] {
  const findings: Finding[] = [];
  const hexAscii = [forms.hex, forms.hex.toUpperCase()].map((h) => new TextEncoder().encode(h));
  const textNeedles: [string, string][] = [
    [forms.hex, 'hex'],
    [forms.classicIdentity.toLowerCase(), 'classic identity (Bech32)'],
    [forms.pqIdentity.toLowerCase(), 'post-quantum identity (Bech32)'],
    [forms.bech32Data.toLowerCase(), 'Bech32 data of the seed'],
  ];

  const searchBytes = (bytes: Uint8Array, at: string): void => {
    if (indexOfBytes(bytes, forms.seed) >= 0) findings.push({ at, form: 'raw seed bytes' });
    for (const h of hexAscii) if (indexOfBytes(bytes, h) >= 0) findings.push({ at, form: 'hex (ASCII bytes)' });
  };

  const searchString = (s: string, at: string): void => {
    const lower = s.toLowerCase();
    const squeezed = lower.replace(/[\s\-_:.,]/g, '');
    for (const [needle, form] of textNeedles) {
      if (lower.includes(needle) || squeezed.includes(needle)) findings.push({ at, form });
    }
    for (const f of forms.base64Forms) if (s.includes(f)) findings.push({ at, form: 'base64' });
    searchBytes(new TextEncoder().encode(s), `${at} (UTF-8)`);
    if (/^[\u0000-\u00ff]*$/.test(s)) searchBytes(Uint8Array.from(s, (c) => c.charCodeAt(0)), `${at} (Latin-1)`);
    const decoded = decodeB64(s);
    if (decoded) searchBytes(decoded, `${at} (base64-decoded)`);
    if (/^[0-9a-fA-F\s-]{64,}$/.test(s) && s.replace(/[\s-]/g, '').length % 2 === 0) {
      searchBytes(hexToBytes(s), `${at} (hex-decoded)`);
    }
  };

  walkValues(value, searchString, searchBytes);
  return dedupe(findings);
}

/**
 * Visits every string (values and object keys) and every binary value (Uint8Array, or a dump's
 * `{ $type: 'bytes' | 'blob', b64 }`) in a JSON-like value, with a path to where it was found.
 */
export function walkValues(
  value: unknown,
  onString: (s: string, at: string) => void,
  onBytes: (b: Uint8Array, at: string) => void,
): void {
  const visit = (v: unknown, at: string): void => {
    if (typeof v === 'string') onString(v, at);
    else if (v instanceof Uint8Array) onBytes(v, at);
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') {
      const t = v as { $type?: unknown; b64?: unknown };
      if ((t.$type === 'bytes' || t.$type === 'blob') && typeof t.b64 === 'string') onBytes(base64.decode(t.b64), at);
      for (const [k, x] of Object.entries(v)) {
        onString(k, `${at} (key ${JSON.stringify(k)})`);
        visit(x, `${at}.${k}`);
      }
    }
  };
  visit(value, '$');
}

/** Where any of `needles` (e.g. lines of a chat) occurs as text or as UTF-8 inside binary values. */
export function findText(value: unknown, needles: string[]): Finding[] {
  const findings: Finding[] = [];
  const encoded = needles.map((n) => [n, new TextEncoder().encode(n)] as const);
  walkValues(
    value,
    (s, at) => {
      for (const n of needles) if (s.includes(n)) findings.push({ at, form: JSON.stringify(n) });
    },
    (b, at) => {
      for (const [n, e] of encoded) if (indexOfBytes(b, e) >= 0) findings.push({ at, form: JSON.stringify(n) });
    },
  );
  return dedupe(findings);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.at}|${f.form}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
