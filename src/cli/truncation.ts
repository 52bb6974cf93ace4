// How much of a cut-short backup is there, and how much at least is missing, for the truncated
// message ("ends partway through, after N bytes; a whole backup is at least M"). A backup's length
// is not stored anywhere readable without the key, but only some lengths are possible: the tar is
// padded to a Padmé length (docs/FORMAT.md), and age seals it in 64 KiB chunks with 16-byte tags.
// The smallest possible length beyond what is there is a lower bound, never a guess at the rest.
import { readHeader } from '../age/header';
import { ByteReader } from '../age/bytereader';
import { CHUNK_SIZE, NONCE_SIZE, TAG_SIZE, chunkCount } from '../age/stream';
import { paddedTarLength } from '../backup/padding';
import { fileSource } from './files';

/** Bytes an age payload of `plaintext` bytes takes after the nonce. */
function sealedLength(plaintext: number): number {
  return plaintext + TAG_SIZE * chunkCount(plaintext);
}

/**
 * The smallest whole-backup size larger than `fileSize` for a file whose header takes
 * `headerSize` bytes.
 */
export function smallestWholeSize(headerSize: number, fileSize: number): number {
  const present = Math.max(0, fileSize - headerSize - NONCE_SIZE);
  // Plaintext that fits in what is present, then the next length the writer can produce.
  let plaintext = paddedTarLength(Math.max(1, present - TAG_SIZE * Math.ceil(present / (CHUNK_SIZE + TAG_SIZE))));
  while (sealedLength(plaintext) <= present) plaintext = paddedTarLength(plaintext + 1);
  return headerSize + NONCE_SIZE + sealedLength(plaintext);
}

/** The lower bound for the file at `path`, or undefined when even its header is incomplete. */
export async function wholeSizeAtLeast(path: string, fileSize: number): Promise<number | undefined> {
  const reader = new ByteReader(fileSource(path)());
  try {
    const header = await readHeader(reader);
    return smallestWholeSize(header.bytes.length, fileSize);
  } catch {
    return undefined;
  } finally {
    await reader.cancel(undefined).catch(() => undefined);
  }
}
