// Files: reading a backup as a stream (once per pass), and writing results so that nothing
// appears at the destination until it is complete.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants as fsConstants, createWriteStream, rmSync } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PassThrough, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { EntryWriter } from '../backup/contents';
import { CliError, ExitCode } from './exit-codes';

const READ_CHUNK = 256 * 1024;

/** Turns a Node file-system error into the CLI's I/O failure with the path in plain words. */
export function ioError(e: unknown, path: string, doing: string): CliError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT'
      ? 'no such file or folder'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : err.code === 'EISDIR'
          ? 'it is a folder'
          : err.code === 'ENOSPC'
            ? 'the disk is full'
            : err.code === 'EEXIST'
              ? 'it already exists'
              : (err.message ?? String(e));
  return new CliError(ExitCode.io, `cannot ${doing} ${path}: ${why}`);
}

/** Reads a whole (small) file, mapping failures to the I/O exit code. */
export async function readSmallFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw ioError(e, path, `read ${what}`);
  }
}

/** Checks up front that `path` is a readable regular file, so a typo fails before any key prompt. */
export async function assertReadableFile(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  if (!info.isFile()) throw new CliError(ExitCode.io, `cannot read ${path}: not a regular file`);
  return info.size;
}

/**
 * A fresh ReadableStream over the file each time it is called: the backup reader reads the file
 * once to authenticate it and once more to release what it authenticated.
 */
export function fileSource(path: string): () => ReadableStream<Uint8Array> {
  return () => {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          handle ??= await open(path, 'r');
          const buf = new Uint8Array(READ_CHUNK);
          const { bytesRead } = await handle.read(buf, 0, READ_CHUNK, null);
          if (bytesRead === 0) {
            await handle.close();
            handle = undefined;
            controller.close();
            return;
          }
          controller.enqueue(bytesRead === READ_CHUNK ? buf : buf.subarray(0, bytesRead));
        } catch (e) {
          await handle?.close().catch(() => undefined);
          handle = undefined;
          controller.error(ioError(e, path, 'read'));
        }
      },
      async cancel() {
        await handle?.close().catch(() => undefined);
        handle = undefined;
      },
    });
  };
}

// Temporary folders and files that hold plaintext or partial output: removed if the user interrupts.
const pendingTemp = new Set<string>();
let interruptHandlerInstalled = false;

function trackTemp(path: string): void {
  pendingTemp.add(path);
  if (interruptHandlerInstalled) return;
  interruptHandlerInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const p of pendingTemp) rmSync(p, { recursive: true, force: true });
      process.exit(ExitCode.interrupted);
    });
  }
}

function untrackTemp(path: string): void {
  pendingTemp.delete(path);
}

function tempName(target: string, suffix: string): string {
  return join(dirname(target), `.${basename(target)}.chatseal-${randomBytes(6).toString('hex')}${suffix}`);
}

/**
 * Creates a private (0700) temporary folder next to `target`, on the same file system so the final
 * move is a rename, runs `fill` on it, and on any failure removes it again.
 */
export async function withTempDirNextTo<T>(target: string, fill: (dir: string) => Promise<T>): Promise<{ dir: string; result: T }> {
  // Next to where the files will really land (through a symbolic link, too), so moving is a rename.
  const real = await realpath(target).catch(() => resolve(target));
  const dir = tempName(real, '.tmp');
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (e) {
    throw ioError(e, dirname(resolve(target)), 'create a temporary folder in');
  }
  trackTemp(dir);
  try {
    return { dir, result: await fill(dir) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    untrackTemp(dir);
    throw e;
  }
}

/** Removes a temporary folder from withTempDirNextTo (after a failed move). */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  untrackTemp(dir);
}

/** Names in `dir` that already exist in `dest` (a folder that may or may not exist). */
export async function conflicts(dest: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    try {
      await lstat(join(dest, name));
      found.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, join(dest, name), 'check');
    }
  }
  return found;
}

/** What `dest` is now: missing, an empty folder, a folder with things in it, or something else. */
export async function destinationState(dest: string): Promise<'missing' | 'empty' | 'non-empty' | 'not-a-folder'> {
  let info;
  try {
    info = await stat(dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw ioError(e, dest, 'check');
  }
  if (!info.isDirectory()) return 'not-a-folder';
  try {
    return (await readdir(dest)).length === 0 ? 'empty' : 'non-empty';
  } catch (e) {
    throw ioError(e, dest, 'read');
  }
}

/**
 * Moves the finished temporary folder's contents to `dest`. A missing or empty `dest` is replaced
 * by the folder in one rename; an existing folder receives each top-level name by rename (the
 * caller has checked none of them exists). Only called after everything was verified.
 */
export async function moveIntoPlace(tempDir: string, dest: string): Promise<void> {
  const state = await destinationState(dest);
  // A symbolic link to a folder is filled, not replaced: rename() would swap out the link itself.
  const isLink = state !== 'missing' && (await lstat(dest).then((i) => i.isSymbolicLink(), () => false));
  try {
    if (state === 'missing' || (state === 'empty' && !isLink)) {
      await rename(tempDir, dest);
      untrackTemp(tempDir);
      return;
    }
    for (const name of await readdir(tempDir)) await rename(join(tempDir, name), join(dest, name));
    await removeTempDir(tempDir);
  } catch (e) {
    throw ioError(e, dest, 'move the result into');
  }
}

/**
 * Writes a stream to `target` through a temporary file next to it, renamed into place only when
 * the stream ended without error; `target` must not exist (never overwrite a backup).
 */
export async function writeStreamAtomically(target: string, stream: ReadableStream<Uint8Array>): Promise<number> {
  const absolute = resolve(target);
  try {
    await lstat(absolute);
    throw new CliError(ExitCode.io, `${target} already exists`, 'Choose another name, or remove it first.');
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, target, 'check');
  }
  const temp = tempName(absolute, '.tmp');
  let handle;
  try {
    handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o666);
  } catch (e) {
    throw ioError(e, dirname(absolute), 'create a file in');
  }
  trackTemp(temp);
  let written = 0;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        await handle.write(value);
      } catch (e) {
        await reader.cancel(e).catch(() => undefined);
        throw ioError(e, target, 'write');
      }
      written += value.length;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    // link() rather than rename(): it refuses to replace a file that appeared meanwhile.
    await link(temp, absolute).catch((e: unknown) => {
      throw ioError(e, target, 'write');
    });
    await rm(temp, { force: true });
    untrackTemp(temp);
    return written;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    untrackTemp(temp);
    throw e;
  }
}

/**
 * A new private file (0600, never an existing one) that receives an entry as it is released,
 * through gunzip when asked. Waits for the disk when it falls behind, so memory stays flat.
 * File-system failures become the CLI's I/O error; a gunzip failure is passed on as it is.
 */
export function entryFile(path: string, options: { gunzip?: boolean } = {}): EntryWriter {
  const head: Transform = options.gunzip === true ? createGunzip() : new PassThrough();
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  // pipeline() settles as soon as one stream fails, while the file may still be opening or closing;
  // the caller removes the temporary folder right after a failure, so every path out of here
  // waits until the file descriptor is closed (else the removal races a file still being created).
  const fileClosed = new Promise<void>((resolve) => file.once('close', () => resolve()));
  const done = pipeline(head, file);
  let failure: unknown = null;
  const failed = done.then(
    () => undefined,
    (e: unknown) => {
      failure = e;
    },
  );
  const fail = async (e: unknown): Promise<never> => {
    await fileClosed;
    const errno = e as NodeJS.ErrnoException;
    throw typeof errno?.syscall === 'string' ? ioError(e, path, 'write') : e;
  };
  return {
    async write(chunk) {
      if (failure !== null) await fail(failure);
      if (!head.write(chunk)) await Promise.race([once(head, 'drain'), failed]);
      if (failure !== null) await fail(failure);
    },
    async close() {
      head.end();
      await done.catch(fail);
      await fileClosed;
    },
    async abort(reason) {
      head.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      await failed;
      await fileClosed;
    },
  };
}
