// The Drive client's tests run against the local Drive (tools/drive-emulator) started in-process
// over plain http, with a client whose sleep records the backoff delays instead of waiting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startDriveEmulator, type DriveEmulator } from '../../tools/drive-emulator/index.mjs';
import type { BackoffPolicy } from '../../src/drive/backoff';
import { DriveClient, type TokenSource } from '../../src/drive/client';

export interface Drive {
  emu: DriveEmulator;
  close(): Promise<void>;
}

export async function startDrive(): Promise<Drive> {
  const dir = await mkdtemp(join(tmpdir(), 'chatseal-drive-'));
  const emu = await startDriveEmulator({ dir, tls: false });
  return {
    emu,
    close: async () => {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestClient {
  client: DriveClient;
  /** Every backoff wait the client asked for, in order. */
  sleeps: number[];
  /** How often the client asked for a fresh token. */
  refreshes: () => number;
  /** Every request the client made (method and URL), in order. */
  requests: { method: string; url: string }[];
}

export interface TestClientOptions {
  random?: () => number;
  backoff?: BackoffPolicy;
  now?: () => number;
  /** Runs before each request goes out (e.g. to advance a fake clock or abort a run). */
  beforeFetch?: (method: string, url: string, init: RequestInit | undefined) => void;
  /** Replaces the recording sleep (it still records). */
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the token source (default: tokens the emulator issues, a new one per refresh). */
  token?: TokenSource;
}

export function testClient(drive: Drive, options: TestClientOptions = {}): TestClient {
  const sleeps: number[] = [];
  const requests: { method: string; url: string }[] = [];
  let refreshes = 0;
  let token = drive.emu.admin.issueToken().accessToken;
  const source: TokenSource = options.token ?? {
    get: async () => token,
    refresh: async () => {
      refreshes++;
      token = drive.emu.admin.issueToken().accessToken;
      return token;
    },
  };
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    requests.push({ method, url });
    options.beforeFetch?.(method, url, init);
    return fetch(input, init);
  }) as typeof fetch;
  const client = new DriveClient({
    fetch: fetchFn,
    token: source,
    apiBase: drive.emu.url,
    sleep: async (ms) => {
      sleeps.push(ms);
      await options.sleep?.(ms);
    },
    random: options.random ?? (() => 0.5),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  });
  return { client, sleeps, refreshes: () => refreshes, requests };
}

/** Deterministic bytes (not all zeros, so a shifted chunk cannot pass for the right one). */
export function patternBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
