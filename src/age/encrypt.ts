// Writing age files: age-encryption's Encrypter does the header, the header MAC and the STREAM
// payload (the reference implementation, so what we write is standard by construction). ChatSeal
// adds its key-id stanza by registering a stanza-only recipient before the real one, which puts the
// stanza first in the header and under the header MAC.
import { Encrypter } from 'age-encryption';
import { keyIdRecipient } from './keyid';

export type AgeEncryptOptions =
  | { recipients: readonly string[]; keyId?: string }
  | { passphrase: string; workFactor?: number };

function encrypter(options: AgeEncryptOptions): Encrypter {
  const e = new Encrypter();
  if ('passphrase' in options) {
    e.setPassphrase(options.passphrase);
    if (options.workFactor !== undefined) e.setScryptWorkFactor(options.workFactor);
    return e;
  }
  if (options.recipients.length === 0) throw new RangeError('an age file needs at least one recipient');
  if (options.keyId !== undefined) e.addRecipient(keyIdRecipient(options.keyId));
  for (const r of options.recipients) e.addRecipient(r);
  return e;
}

/** Encrypts a stream; the returned stream is the whole age file (header, nonce, chunks). */
export async function encryptAgeStream(
  plaintext: ReadableStream<Uint8Array>,
  options: AgeEncryptOptions,
): Promise<ReadableStream<Uint8Array>> {
  return encrypter(options).encrypt(plaintext);
}

export async function encryptAgeBytes(plaintext: Uint8Array, options: AgeEncryptOptions): Promise<Uint8Array> {
  return encrypter(options).encrypt(plaintext);
}
