import { constants, fstatSync, openSync, closeSync, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { diskError } from './disk-errors';

/**
 * Reading a file that a user, anton or the model can create. A FIFO opened the ordinary way
 * blocks until a writer shows up — on the main thread that freezes the host, in the thread
 * pool it holds one of Node's four file-I/O threads for good. So every such read opens with
 * `O_NONBLOCK` (a FIFO open returns at once) and, unless asked, `O_NOFOLLOW` (a link is
 * refused), checks with `fstat` on the opened descriptor that it is a regular file under the
 * size cap, and only then reads. Failures are typed `KilnError`s.
 */
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface SafeReadOptions {
  /** Refuse a file larger than this (bytes), before reading it. */
  maxBytes: number;
  /** Follow a symbolic link at the last path component (default: refuse it). */
  followLinks?: boolean;
  /** How the file is named in messages (default: its base name). */
  label?: string;
}

function describeKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a link';
  return 'not a regular file';
}

export function notRegularError(label: string, st: Stats | null): KilnError {
  const kind = st ? describeKind(st) : 'a link';
  return new KilnError('UNSUPPORTED', `${label} is ${kind}, not a plain file, so Kiln does not read it. Remove it or replace it with a regular file.`, undefined, 'not-regular-file');
}

export function tooLargeError(label: string, size: number, maxBytes: number): KilnError {
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
  return new KilnError('UNSUPPORTED', `${label} is ${mb(size)}, more than the ${mb(maxBytes)} Kiln reads here. Make it smaller or remove it.`, undefined, 'file-too-large');
}

function openError(label: string, error: unknown, followLinks: boolean): KilnError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new KilnError('NOT_FOUND', `${label} does not exist.`);
  // O_NOFOLLOW on a link answers ELOOP: that is "a link", not a loop.
  if (code === 'ELOOP' && !followLinks) return notRegularError(label, null);
  return diskError(error, `read ${label}`) ?? new KilnError('IO', `${label} can't be read (${code ?? 'error'}).`, (error as Error).message);
}

/** Opens for reading without blocking or following; throws unless it is a regular file within the cap. */
export async function openRegular(file: string, opts: SafeReadOptions): Promise<{ handle: fs.FileHandle; size: number }> {
  const label = opts.label ?? path.basename(file);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | O_NONBLOCK | (opts.followLinks ? 0 : O_NOFOLLOW));
  } catch (error) {
    throw openError(label, error, opts.followLinks ?? false);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegularError(label, st);
    if (st.size > opts.maxBytes) throw tooLargeError(label, st.size, opts.maxBytes);
    return { handle, size: st.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The whole file (at most `maxBytes`; one that grew past the cap while read is cut there). */
export async function safeReadFile(file: string, opts: SafeReadOptions): Promise<Buffer> {
  const { handle, size } = await openRegular(file, opts);
  try {
    const buf = Buffer.alloc(Math.min(size, opts.maxBytes));
    let off = 0;
    while (off < buf.length) {
      const { bytesRead } = await handle.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return buf.subarray(0, off);
  } finally {
    await handle.close();
  }
}

export async function safeReadText(file: string, opts: SafeReadOptions): Promise<string> {
  return (await safeReadFile(file, opts)).toString('utf8');
}

/** The last `maxBytes` of a regular file (any size): for log tails. */
export async function safeReadTail(file: string, maxBytes: number, label?: string): Promise<Buffer> {
  const { handle, size } = await openRegular(file, { maxBytes: Number.MAX_SAFE_INTEGER, ...(label ? { label } : {}) });
  try {
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await handle.read(buf, 0, len, size - len);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A descriptor for appending to a log: created if absent, never through a link, and never a
 * FIFO (O_NONBLOCK makes the open of a FIFO without a reader fail at once instead of
 * blocking the thread). Synchronous on purpose: with these flags it cannot block.
 */
export function openAppendRegularSync(file: string, label = path.basename(file)): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | O_NONBLOCK | O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENXIO: a FIFO nobody reads. ELOOP: a link. EISDIR: a folder.
    if (code === 'ENXIO' || code === 'ELOOP' || code === 'EISDIR') throw notRegularError(label, null);
    throw diskError(error, `write ${label}`) ?? new KilnError('IO', `${label} can't be opened (${code ?? 'error'}).`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw notRegularError(label, st);
  }
  return fd;
}
