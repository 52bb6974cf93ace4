// Where the import page puts the .age bytes while the writer produces them. Holding every chunk in
// a JS array until the end would keep the whole backup on the page's heap (a 500 MiB export: half a
// GiB, on top of everything else); instead the chunks are folded into a Blob every FOLD_BYTES.
// Browsers keep Blob data outside the JS heap and may page it to disk, which is allowed here
// because it is ciphertext: plaintext never goes into a Blob this page makes.

/** How many bytes of ciphertext may wait in JS memory before they are folded into the Blob. */
export const FOLD_BYTES = 8 * 1024 * 1024;

export class CiphertextBlob {
  private blob = new Blob([]);
  private pending: Uint8Array<ArrayBuffer>[] = [];
  private pendingBytes = 0;
  /** Bytes received so far. */
  size = 0;
  /** The most bytes ever waiting in `pending` (what the JS heap held of the backup at once). */
  peakPendingBytes = 0;
  /** How many times pending chunks were folded into the Blob. */
  folds = 0;

  constructor(private readonly foldBytes = FOLD_BYTES) {}

  push(chunk: Uint8Array): void {
    this.pending.push(chunk as Uint8Array<ArrayBuffer>);
    this.pendingBytes += chunk.length;
    this.size += chunk.length;
    this.peakPendingBytes = Math.max(this.peakPendingBytes, this.pendingBytes);
    if (this.pendingBytes >= this.foldBytes) this.fold();
  }

  /** The whole file, once the writer's stream has ended. */
  finish(type = 'application/octet-stream'): Blob {
    this.fold();
    return new Blob([this.blob], { type });
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    this.blob = new Blob([this.blob, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
    this.folds++;
  }
}
