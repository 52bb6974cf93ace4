// Writing age files. age-encryption's Encrypter makes the header: file key, recipient stanzas and
// header MAC (the reference implementation, so the header is standard by construction). ChatSeal
// adds its key-id stanza by registering a stanza-only recipient before the real one, which puts
// the stanza first in the header and under the header MAC.
//
// The payload of a streamed file is sealed by our own PayloadSealer (stream.ts) instead of the
// Encrypter's, so that ChaCha20-Poly1305 can be native (primitives.ts): age's STREAM is a pure
// function of the file key, the nonce and the plaintext, and test/age/seal.test.ts checks that
// our chunks are byte for byte age-encryption's. To get the file key and nonce, the Encrypter
// encrypts an empty plaintext with one more recipient that writes no stanza and only keeps the
// file key it is handed; its header and nonce open our file, and its empty final chunk must open
// under the payload key we derive (checked, so a library change that broke this fails loudly).
import { Encrypter, type Recipient } from 'age-encryption';
import { ByteReader } from './bytereader';
import { bytesSource } from './gate';
import { readHeader } from './header';
import { keyIdRecipient } from './keyid';
import { detectChaCha20Poly1305, type ChunkCipher, type ChunkCipherFactory } from './primitives';
import { NONCE_SIZE, PayloadSealer, payloadKey, TAG_SIZE } from './stream';

export type AgeEncryptOptions =
  | { recipients: readonly string[]; keyId?: string }
  | { passphrase: string; workFactor?: number };

function encrypter(options: AgeEncryptOptions, extra?: Recipient): Encrypter {
  const e = new Encrypter();
  if ('passphrase' in options) {
    e.setPassphrase(options.passphrase);
    if (options.workFactor !== undefined) e.setScryptWorkFactor(options.workFactor);
    return e;
  }
  if (options.recipients.length === 0) throw new RangeError('an age file needs at least one recipient');
  if (options.keyId !== undefined) e.addRecipient(keyIdRecipient(options.keyId));
  for (const r of options.recipients) e.addRecipient(r);
  if (extra !== undefined) e.addRecipient(extra);
  return e;
}

export interface AgeFileStart {
  /** The header and the payload nonce: the file's first bytes. */
  prefix: Uint8Array;
  /** ChaCha20-Poly1305 under the file's payload key, for a PayloadSealer. */
  cipher: ChunkCipher;
}

/**
 * A fresh file key, header and nonce for `recipients` (and the key-id stanza), and the payload
 * cipher to seal the plaintext with. Recipients only: passphrase files go through encryptAgeBytes.
 */
export async function beginAgeFile(
  options: { recipients: readonly string[]; keyId?: string },
  cipherFactory?: ChunkCipherFactory,
): Promise<AgeFileStart> {
  const captured: { fileKey?: Uint8Array } = {};
  const keeper: Recipient = {
    wrapFileKey: (key) => {
      captured.fileKey = key.slice();
      return [];
    },
  };
  const empty = await encrypter(options, keeper).encrypt(new Uint8Array(0));
  const fileKey = captured.fileKey;
  if (fileKey === undefined) throw new Error('age-encryption did not hand the file key to every recipient');
  const reader = new ByteReader(bytesSource(empty)());
  const header = await readHeader(reader);
  const nonce = await reader.read(NONCE_SIZE);
  const emptyFinal = await reader.read(TAG_SIZE + 1);
  const cipher = await (cipherFactory ?? (await detectChaCha20Poly1305()))(payloadKey(fileKey, nonce));
  const finalNonce = new Uint8Array(12);
  finalNonce[11] = 1;
  const opened = emptyFinal.length === TAG_SIZE ? await cipher.open(finalNonce, emptyFinal) : null;
  if (opened === null || opened.length !== 0) throw new Error('age-encryption wrote a payload the captured file key does not open');
  const prefix = new Uint8Array(header.bytes.length + NONCE_SIZE);
  prefix.set(header.bytes);
  prefix.set(nonce, header.bytes.length);
  return { prefix, cipher };
}

/** Encrypts a stream; the returned stream is the whole age file (header, nonce, chunks). */
export async function encryptAgeStream(
  plaintext: ReadableStream<Uint8Array>,
  options: { recipients: readonly string[]; keyId?: string },
  cipherFactory?: ChunkCipherFactory,
): Promise<ReadableStream<Uint8Array>> {
  const { prefix, cipher } = await beginAgeFile(options, cipherFactory);
  let sealer: PayloadSealer;
  return plaintext.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        controller.enqueue(prefix);
        sealer = new PayloadSealer(cipher, async (sealed) => controller.enqueue(sealed));
      },
      transform: (chunk) => sealer.update(chunk),
      flush: () => sealer.final(),
    }),
  );
}

/** A whole file in memory, entirely by age-encryption (the reference path, passphrases too). */
export async function encryptAgeBytes(plaintext: Uint8Array, options: AgeEncryptOptions): Promise<Uint8Array> {
  return encrypter(options).encrypt(plaintext);
}
