// Finding an entry's bytes in a valid tar (test-side, independent of the reader under test).

/** Offset and size of a tar entry's data, found by walking the (valid) tar. */
export function entryRange(tar: Uint8Array, name: string): { start: number; size: number } {
  let offset = 0;
  const dec = new TextDecoder();
  while (offset < tar.length) {
    const block = tar.subarray(offset, offset + 512);
    const end = block.indexOf(0);
    const entryName = dec.decode(block.subarray(0, end));
    const size = parseInt(dec.decode(block.subarray(124, 135)), 8);
    if (entryName === name) return { start: offset + 512, size };
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`no entry ${name}`);
}
