// The five ways a backup can fail to open, as docs/FORMAT.md's table assigns them. Every kind is
// decided by a ChatSeal check (header grammar, key-id stanza, chunk tags, tar layout, manifest MAC,
// entry hashes), never by a library's error message.
import type { AgeError } from '../age/errors';

export type BackupErrorKind = 'not-a-backup' | 'wrong-key' | 'corrupted' | 'truncated' | 'mac-failed';

/**
 * Where a typed key most likely went wrong (src/crypto/typo.ts finds it): a 1-based group of the
 * 16 groups of 4 digits, and whether one digit is wrong or two neighbours are swapped.
 */
export interface TypoHint {
  group: number;
  groups: readonly number[];
  kind: 'digit' | 'swap';
  position: number;
  /** The corrected seed, whose key id is the file's. */
  seed: Uint8Array;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly kind: BackupErrorKind,
    readonly detail: string,
    readonly extra: {
      /** The key id the file names (key-id stanza), when known. */
      keyId?: string | null;
      typo?: TypoHint;
      /** The age-layer finding behind this error, when there was one. */
      cause?: AgeError;
    } = {},
  ) {
    super(`${kind}: ${detail}`);
  }

  get typo(): TypoHint | undefined {
    return this.extra.typo;
  }
}
