// SHA-256 of a finished .age Blob, for the outbox's `sha256` (Drive's sha256Checksum is compared
// with it after upload). Small files go to WebCrypto's one-shot digest; larger ones are streamed
// through an incremental hash so a big backup is never read into memory whole.
import { sha256Hex, toHex } from '../crypto/bytes';
import { nobleSha256, type Sha256Factory } from '../age/primitives';

/** Up to this size the Blob is read whole and hashed natively. */
export const ONE_SHOT_BYTES = 16 * 1024 * 1024;

export async function blobSha256(blob: Blob, hash: Sha256Factory = nobleSha256): Promise<string> {
  if (blob.size <= ONE_SHOT_BYTES) return sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  const h = hash();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return toHex(h.digest());
}
