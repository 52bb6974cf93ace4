// Comparing chatseal/1 documents made by different tools (the extension's import page and the
// CLI's convert) from the same export file.
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';

type Json = { [k: string]: unknown };

/**
 * The document without what legitimately differs between two runs over the same file: when the
 * capture started and finished, and which version of ChatSeal made it.
 */
export function comparable(doc: unknown): Json {
  const copy = structuredClone(doc) as Json;
  const capture = copy.capture as Json | undefined;
  if (!capture) throw new Error('not a chatseal/1 document: no capture');
  for (const k of ['startedAt', 'finishedAt'] as const) {
    if (typeof capture[k] !== 'string') throw new Error(`capture.${k} missing`);
    delete capture[k];
  }
  const tool = capture.tool as Json | undefined;
  if (!tool || typeof tool.version !== 'string') throw new Error('capture.tool.version missing');
  delete tool.version;
  return copy;
}

export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
export const readGzipJson = (file: string): unknown => JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));
