import { createHmac, hkdfSync } from 'node:crypto';
import { Decrypter, Encrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { sha256Hex, toHex, utf8Encode } from '../../src/crypto/bytes';
import {
  deriveKeyId,
  deriveMacKey,
  digitsToSeed,
  generateSeed,
  groupDigits,
  identityToSeed,
  InvalidIdentityError,
  KDF_INFO_KEY_ID,
  KDF_INFO_MANIFEST_MAC,
  KDF_SALT,
  KEY_ID_BYTES,
  seedToDigits,
  seedToIdentity,
  seedToRecipient,
  type KeyType,
} from '../../src/crypto/keys';

const SEED_A = Uint8Array.from({ length: 32 }, (_, i) => i); // 000102…1f
const SEED_F = new Uint8Array(32).fill(0xff);

// Fixed vectors. Classic identities and recipients were cross-checked with Debian's
// `age-keygen -y` (age 1.1.1); key ids and MAC keys with Node's hkdfSync (also asserted below).
// Debian's age cannot handle post-quantum keys, so PQ recipients are pinned by length, ends and
// SHA-256 and checked below by round trips through age-encryption.
const VECTORS = [
  {
    seed: SEED_A,
    digits: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    keyId: '86023963e580d6a0',
    macKey: 'fb2e1355e718d17a89f5de2ce2f5d7fdd49a53b8086cae1db2e1245f35fa8d78',
    classic: {
      identity: 'AGE-SECRET-KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWG',
      recipient: 'age13aqvttdk3ujkyjh9kg2w5an6dmy5mq5a84a4uxk3hfhnugfc9p0sy5p2wh',
    },
    pq: {
      identity: 'AGE-SECRET-KEY-PQ-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0S5DYVQQ',
      recipientStart: 'age1pq1da2qnzs2pejpz3npf',
      recipientEnd: '6amyl6qa0gtwedfk',
      recipientSha256: 'e1704ce7caadaa4e436845c280d1527742f46a8af62d934c41b60c624e7cb185',
    },
  },
  {
    seed: SEED_F,
    digits: 'f'.repeat(64),
    keyId: 'c7731eb07c7e9d2c',
    macKey: 'c4817f9c8ffcef2f52260774ef5cc00332288599bcba50742563bcc7ff779c97',
    classic: {
      identity: 'AGE-SECRET-KEY-1LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLS9FV78X',
      recipient: 'age1s37q6tph2g60xe0xvz24rparwddq7asn69sf6wn2fkx98t42tg3qvgcz2x',
    },
    pq: {
      identity: 'AGE-SECRET-KEY-PQ-1LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLSL8VLFW',
      recipientStart: 'age1pq1h42gauqjcpmyhzmxs',
      recipientEnd: '27ahdlagxcj5gjzu',
      recipientSha256: '2f2cd560d0ed76c1fed21fdba0b0313572be84b17ae5154f624c9cbb4ce3831b',
    },
  },
] as const;

describe.each(VECTORS)('fixed vector $digits', (v) => {
  it('digits and groups', () => {
    expect(seedToDigits(v.seed)).toBe(v.digits);
    const groups = groupDigits(v.digits);
    expect(groups).toHaveLength(16);
    expect(groups.join('')).toBe(v.digits);
    for (const g of groups) expect(g).toHaveLength(4);
    expect(digitsToSeed(v.digits)).toEqual(v.seed);
  });

  it('classic identity and recipient', async () => {
    expect(seedToIdentity(v.seed, 'classic')).toBe(v.classic.identity);
    expect(await seedToRecipient(v.seed, 'classic')).toBe(v.classic.recipient);
    expect(identityToSeed(v.classic.identity)).toEqual({ seed: v.seed, type: 'classic' });
  });

  it('pq identity and recipient', async () => {
    expect(seedToIdentity(v.seed, 'pq')).toBe(v.pq.identity);
    const r = await seedToRecipient(v.seed, 'pq');
    expect(r.startsWith(v.pq.recipientStart)).toBe(true);
    expect(r.endsWith(v.pq.recipientEnd)).toBe(true);
    expect(r).toHaveLength(1959);
    expect(await sha256Hex(utf8Encode(r))).toBe(v.pq.recipientSha256);
    expect(identityToSeed(v.pq.identity)).toEqual({ seed: v.seed, type: 'pq' });
  });

  it('key id matches an independent HKDF', async () => {
    expect(await deriveKeyId(v.seed)).toBe(v.keyId);
    expect(Buffer.from(hkdfSync('sha256', v.seed, 'chatseal.app/v1', 'key-id', 8)).toString('hex')).toBe(v.keyId);
  });

  it('MAC key matches an independent HKDF and HMAC (signing known data with the non-extractable key)', async () => {
    expect(Buffer.from(hkdfSync('sha256', v.seed, 'chatseal.app/v1', 'manifest-mac', 32)).toString('hex')).toBe(
      v.macKey,
    );
    const key = await deriveMacKey(v.seed);
    for (const msg of [new Uint8Array(0), utf8Encode('manifest'), new Uint8Array(200_000).fill(7)]) {
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
      expect(toHex(mac)).toBe(createHmac('sha256', Buffer.from(v.macKey, 'hex')).update(msg).digest('hex'));
      expect(await crypto.subtle.verify('HMAC', key, mac, msg)).toBe(true);
    }
  });
});

describe('MAC key', () => {
  it('is non-extractable HMAC-SHA-256 by default, sign+verify only', async () => {
    const key = await deriveMacKey(SEED_A);
    expect(key.extractable).toBe(false);
    expect(key.type).toBe('secret');
    expect(key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 });
    expect([...key.usages].sort()).toEqual(['sign', 'verify']);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('has no extractable variant: an extra argument changes nothing', async () => {
    const derive = deriveMacKey as (seed: Uint8Array, ...rest: unknown[]) => Promise<CryptoKey>;
    const key = await derive(SEED_F, true);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    const msg = utf8Encode('x');
    const independent = createHmac('sha256', Buffer.from(hkdfSync('sha256', SEED_F, KDF_SALT, KDF_INFO_MANIFEST_MAC, 32)));
    expect(toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, msg)))).toBe(independent.update(msg).digest('hex'));
  });
});

describe('KDF constants', () => {
  it('are the strings FORMAT.md names, and the key id uses them', async () => {
    expect([KDF_SALT, KDF_INFO_KEY_ID, KDF_INFO_MANIFEST_MAC, KEY_ID_BYTES]).toEqual(['chatseal.app/v1', 'key-id', 'manifest-mac', 8]);
    expect(await deriveKeyId(SEED_F)).toBe(Buffer.from(hkdfSync('sha256', SEED_F, KDF_SALT, KDF_INFO_KEY_ID, KEY_ID_BYTES)).toString('hex'));
  });
});

describe('agreement with age-encryption', () => {
  it.each([
    ['classic', generateX25519Identity],
    ['pq', generateHybridIdentity],
  ] as const)('%s: identities age-encryption generates round-trip through our model', async (type, generate) => {
    for (let i = 0; i < 3; i++) {
      const identity = await generate();
      const { seed, type: parsed } = identityToSeed(identity);
      expect(parsed).toBe(type);
      expect(seedToIdentity(seed, type)).toBe(identity);
      expect(await seedToRecipient(seed, type)).toBe(await identityToRecipient(identity));
    }
  });

  it.each(['classic', 'pq'] as const)('%s: a file to our recipient opens with our identity', async (type) => {
    const seed = generateSeed();
    const e = new Encrypter();
    e.addRecipient(await seedToRecipient(seed, type));
    const ct = await e.encrypt('hello');
    const d = new Decrypter();
    d.addIdentity(seedToIdentity(seed, type));
    expect(await d.decrypt(ct, 'text')).toBe('hello');
  });

  it('the same seed gives different recipients per type but one key id', async () => {
    const seed = generateSeed();
    expect(await seedToRecipient(seed, 'pq')).not.toBe(await seedToRecipient(seed, 'classic'));
    expect(seedToIdentity(seed, 'pq').startsWith('AGE-SECRET-KEY-PQ-1')).toBe(true);
    expect(seedToIdentity(seed, 'classic').startsWith('AGE-SECRET-KEY-1')).toBe(true);
  });
});

describe('identityToSeed refuses bad identities precisely', () => {
  const good = VECTORS[0].classic.identity;

  it('accepts lower case', () => {
    expect(identityToSeed(good.toLowerCase()).seed).toEqual(SEED_A);
  });

  it('wrong prefix', () => {
    for (const text of ['AGE-PLUGIN-FOO-1QQQQ', 'age1abc', '']) {
      expect(() => identityToSeed(text)).toThrow(expect.objectContaining({ reason: 'prefix' }));
    }
  });

  it('a changed character fails the checksum', () => {
    const bad = good.slice(0, 20) + (good[20] === 'Q' ? 'P' : 'Q') + good.slice(21);
    let err: unknown;
    try {
      identityToSeed(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidIdentityError);
    expect((err as InvalidIdentityError).reason).toBe('checksum');
  });

  it('a valid Bech32 string of the wrong length', () => {
    // 31 bytes under the classic prefix, with a correct checksum.
    const s = bech32.encode('AGE-SECRET-KEY-', bech32.toWords(new Uint8Array(31))).toUpperCase();
    expect(() => identityToSeed(s)).toThrow(expect.objectContaining({ name: 'InvalidIdentityError', reason: 'length' }));
  });
});

describe('input checks', () => {
  it('generateSeed gives 32 distinct random bytes each call', () => {
    const a = generateSeed();
    const b = generateSeed();
    expect(a).toHaveLength(32);
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it.each([0, 31, 33])('refuses a %i-byte seed', (n) => {
    expect(() => seedToDigits(new Uint8Array(n))).toThrow(RangeError);
    expect(() => seedToIdentity(new Uint8Array(n), 'pq')).toThrow(RangeError);
  });

  it('refuses an unknown key type', () => {
    expect(() => seedToIdentity(SEED_A, 'rsa' as KeyType)).toThrow(TypeError);
  });

  it('groupDigits needs exactly 64 digits', () => {
    expect(() => groupDigits('abc')).toThrow(RangeError);
  });
});
