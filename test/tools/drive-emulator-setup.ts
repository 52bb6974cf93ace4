// Shared by the drive-emulator tests: an emulator on plain http in a fresh folder, a token, and
// fetch helpers that speak to it as a client would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDriveEmulator, type DriveEmulator, type DriveEmulatorOptions } from '../../tools/drive-emulator/index.mjs';

export const KiB256 = 256 * 1024;
export const FOLDER = 'application/vnd.google-apps.folder';

export interface TestDrive {
  emu: DriveEmulator;
  dir: string;
  token: string;
  /** fetch against the emulator with the bearer token (unless headers.Authorization is given). */
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  json<T = any>(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: T; res: Response }>;
  /** Starts a resumable upload and returns the session URI. */
  startUpload(meta: Record<string, unknown>, size?: number, query?: string): Promise<string>;
  put(sessionUri: string, body: Uint8Array<ArrayBuffer> | null, contentRange: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestDrive(options: Partial<DriveEmulatorOptions> = {}): Promise<TestDrive> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-drive-emu-'));
  const emu = await startDriveEmulator({ tls: false, ...options, dir });
  const token = emu.admin.issueToken().accessToken;
  const api = (p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
    return fetch(p.startsWith('http') ? p : `${emu.url}${p}`, { ...init, headers });
  };
  const json = async (p: string, init?: RequestInit) => {
    const res = await api(p, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, res };
  };
  return {
    emu,
    dir,
    token,
    api,
    json,
    async startUpload(meta, size, query = '') {
      const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
      if (size !== undefined) headers['X-Upload-Content-Length'] = String(size);
      const res = await api(`/upload/drive/v3/files?uploadType=resumable${query}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(meta),
      });
      if (res.status !== 200) throw new Error(`initiation failed: ${res.status} ${await res.text()}`);
      const location = res.headers.get('location');
      if (!location) throw new Error('no Location');
      return location;
    },
    put(uri, body, contentRange, headers = {}) {
      return api(uri, {
        method: 'PUT',
        headers: { 'Content-Range': contentRange, ...headers },
        ...(body ? { body } : {}),
      });
    },
    async close() {
      await emu.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deterministic bytes of a given length. */
export function bytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}

/** Byte equality without a deep-equality walk (slow on large arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
