import { access as fsAccess } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { KilnError, isKilnError, type ErrorReason } from '../../../shared/contract/core';

/**
 * The one place a raw errno from the file system becomes an error a person can act on. The
 * router runs every unexpected failure through `diskError`, so a handler that lets an
 * `ENOSPC` or `EROFS` escape still answers a typed error instead of `INTERNAL <errno>`.
 */
interface Mapping {
  reason: ErrorReason;
  say: (what: string) => string;
}

const mappings: Record<string, Mapping> = {
  ENOSPC: { reason: 'disk-full', say: (w) => `The disk is full, so Kiln could not ${w}. Free some space, then try again.` },
  EDQUOT: { reason: 'disk-full', say: (w) => `Your disk quota is used up, so Kiln could not ${w}. Free some space, then try again.` },
  EROFS: {
    reason: 'disk-read-only',
    say: (w) => `The disk is read-only, so Kiln could not ${w}. Remount it writable or choose a workspace on a writable disk (Settings → Workspace).`,
  },
  EACCES: { reason: 'permission-denied', say: (w) => `Permission denied, so Kiln could not ${w}. Give your user write access to the folder, then try again.` },
  EPERM: { reason: 'permission-denied', say: (w) => `The system did not allow Kiln to ${w}. Check the folder's permissions, then try again.` },
  ELOOP: { reason: 'link-loop', say: (w) => `A symbolic link goes round in a loop (or a link sits where a file must be), so Kiln could not ${w}. Remove or fix the link.` },
  EMFILE: { reason: 'too-many-open-files', say: (w) => `Too many files are open, so Kiln could not ${w}. Close some previews or backends, then try again.` },
  ENFILE: { reason: 'too-many-open-files', say: (w) => `The system has too many files open, so Kiln could not ${w}. Close some programs, then try again.` },
};

/** The errno code of an error (or of its `cause`), if it has one. */
export function errnoOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/**
 * A typed `IO` error for a disk failure (full, read-only, permission, link loop, too many
 * open files), or null when the error is something else. `what` completes "Kiln could not …".
 */
export function diskError(error: unknown, what = 'finish this'): KilnError | null {
  if (isKilnError(error)) return null;
  const code = errnoOf(error);
  const m = code ? mappings[code] : undefined;
  if (!m) return null;
  const raw = error instanceof Error ? error.message : String(error);
  return new KilnError('IO', m.say(what), raw, m.reason);
}

/** `diskError` when it applies, else the error unchanged: for a catch that rethrows. */
export function asDiskError(error: unknown, what?: string): unknown {
  return diskError(error, what) ?? error;
}

/** True when the error (typed or raw) says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  if (isKilnError(error)) return error.reason === 'disk-full';
  const code = errnoOf(error);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * `diskError`, plus the case a recursive `mkdir` hides: on a read-only disk it reports ENOENT
 * for the folder it couldn't make, not EROFS. For ENOENT, `existingDir` (a folder that does
 * exist, e.g. the workspace) is asked whether it can be written.
 */
export async function diskErrorAt(error: unknown, what: string, existingDir: string): Promise<KilnError | null> {
  const direct = diskError(error, what);
  if (direct || errnoOf(error) !== 'ENOENT') return direct;
  return fsAccess(existingDir, fsConstants.W_OK).then(
    () => null,
    (e: unknown) => diskError(e, what),
  );
}
