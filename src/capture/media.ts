// Media bytes, fetched by the page while their row is mounted: chat apps show images through blob:
// URLs that they revoke when the row leaves the list, so later is too late. A failure is an
// attachment status ('failed'), never a failed capture.
import { PORT_LIMITS } from './protocol';

export type FetchedMedia =
  | { ok: true; bytes: Uint8Array; mime?: string }
  | { ok: false; reason: 'fetch-failed' | 'too-large' };

export type MediaFetcher = (url: string) => Promise<FetchedMedia>;

export async function fetchMediaBytes(url: string, maxBytes: number = PORT_LIMITS.maxMediaBytes): Promise<FetchedMedia> {
  try {
    const response = await fetch(url);
    if (!response.ok) return { ok: false, reason: 'fetch-failed' };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      return { ok: false, reason: 'too-large' };
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) return { ok: false, reason: 'too-large' };
    const type = response.headers.get('content-type') ?? '';
    return type ? { ok: true, bytes, mime: type.split(';')[0]!.trim() } : { ok: true, bytes };
  } catch {
    // A revoked blob: URL fails as a network error, like an unreachable server.
    return { ok: false, reason: 'fetch-failed' };
  }
}
