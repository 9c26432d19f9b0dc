import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  isAtomicTempFile,
  isBackendLog,
  isBookkeepingFile,
  isPublishStateFile,
  isToolingDir,
} from '../../../shared/artifacts/rules';
import type { FileEntry } from '../../../shared/contract/artifacts';
import { comparePathsLikeAnton } from '../../../shared/artifacts/path-order';
import { isoSeconds } from './time';

/**
 * True for a path (artifact-relative, `/` separated) that is content, not bookkeeping: not the
 * record, README, backend.log or publish state (any letter case; publish state at any depth).
 */
export function isContentPath(rel: string): boolean {
  return !isBookkeepingFile(rel) && !isPublishStateFile(rel);
}

/**
 * files[] derived from disk: recursive, symlinks and non-files skipped, tooling folders and
 * bookkeeping files left out, `/` separators, sorted as anton's `sorted(Path)` sorts (part by
 * part). backend.log is content in anton's files[], so it stays listed.
 */
export async function walkFiles(dir: string, sub = ''): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  async function walk(abs: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch {
      return; // a folder removed or unreadable mid-walk simply contributes nothing
    }
    await Promise.all(
      entries.map(async (e) => {
        const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isSymbolicLink()) return;
        if (e.isDirectory()) {
          if (!isToolingDir(e.name)) await walk(path.join(abs, e.name), relPath);
          return;
        }
        if (!e.isFile()) return;
        if (isAtomicTempFile(e.name)) return;
        if (!isBackendLog(relPath) && !isContentPath(relPath)) return;
        const entry = await statEntry(path.join(abs, e.name), relPath);
        if (entry) out.push(entry);
      }),
    );
  }
  await walk(sub === '' ? dir : path.join(dir, ...sub.split('/')), sub);
  out.sort((a, b) => comparePathsLikeAnton(a.path, b.path));
  return out;
}

/** One files[] entry for a regular file (not a link); null when it is not one or vanished. */
async function statEntry(abs: string, rel: string): Promise<FileEntry | null> {
  try {
    const st = await fs.lstat(abs, { bigint: true });
    if (!st.isFile()) return null;
    return { path: rel, bytes: Number(st.size), modifiedAt: antonModifiedAt(st.mtimeNs) };
  } catch {
    return null; // vanished between readdir and stat
  }
}

/**
 * anton's `modifiedAt`: `datetime.fromtimestamp(st_mtime, utc).isoformat(timespec="seconds")`.
 * Python first rounds the float time to whole microseconds, so a time a hair below the next
 * second (…59.9999996) is that next second; then the fraction is cut off.
 */
export function antonModifiedAt(mtimeNs: bigint): string {
  let seconds = mtimeNs / 1_000_000_000n;
  let fraction = mtimeNs % 1_000_000_000n;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += 1_000_000_000n;
  }
  if (Math.round(Number(fraction) / 1000) >= 1_000_000) seconds += 1n;
  return isoSeconds(new Date(Number(seconds) * 1000));
}

/** Bookkeeping anton itself leaves out of files[] (top level only, exact names). */
const ANTON_UNLISTED = new Set(['metadata.json', 'README.md', '.published.json']);

/**
 * files[] for the record: Kiln's walk plus the entries anton listed that Kiln merely skips
 * (`__pycache__/*.pyc`, `.venv/…`, a nested `site/.published.json`) while the file is still
 * there, refreshed from disk. Dropping them would make the two tools rewrite the record in
 * turn forever; listing a name is not reading the file, which every door still refuses.
 */
export async function recordFiles(dir: string, recorded: readonly FileEntry[]): Promise<FileEntry[]> {
  const walked = await walkFiles(dir);
  const seen = new Set(walked.map((f) => f.path));
  const kept: FileEntry[] = [];
  for (const f of recorded) {
    if (seen.has(f.path) || ANTON_UNLISTED.has(f.path)) continue;
    const parts = f.path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..') || f.path.includes('\\')) continue;
    const entry = await keptEntry(dir, parts, f.path);
    if (entry) {
      kept.push(entry);
      seen.add(f.path);
    }
  }
  if (kept.length === 0) return walked;
  return [...walked, ...kept].sort((a, b) => comparePathsLikeAnton(a.path, b.path));
}

/** The entry when every folder on the way is a real folder (no link) and the file a regular one. */
async function keptEntry(dir: string, parts: string[], rel: string): Promise<FileEntry | null> {
  let at = dir;
  for (const part of parts.slice(0, -1)) {
    at = path.join(at, part);
    const st = await fs.lstat(at).catch(() => null);
    if (!st?.isDirectory()) return null;
  }
  return statEntry(path.join(at, parts[parts.length - 1]!), rel);
}

/**
 * Whether a walk differs from the recorded files[] in a way worth a write. Order doesn't count
 * (anton compares sorted fingerprints too). A running backend appends to backend.log all the
 * time; its size alone must not rewrite the record and bump updatedAt (which would reorder the
 * gallery on every log line), so for it only presence counts.
 */
export function sameFiles(a: readonly FileEntry[], b: readonly FileEntry[]): boolean {
  if (a.length !== b.length) return false;
  const byPath = new Map(b.map((f) => [f.path, f]));
  if (byPath.size !== b.length) return false;
  for (const x of a) {
    const y = byPath.get(x.path);
    if (!y) return false;
    if (isBackendLog(x.path)) continue;
    if (x.bytes !== y.bytes || x.modifiedAt !== y.modifiedAt) return false;
  }
  return true;
}
