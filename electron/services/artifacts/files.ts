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
 * bookkeeping files left out, `/` separators, sorted by path (code-unit order, as anton's
 * `sorted()` does). backend.log is content in anton's files[], so it stays listed.
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
        try {
          const st = await fs.lstat(path.join(abs, e.name));
          if (!st.isFile()) return;
          out.push({ path: relPath, bytes: st.size, modifiedAt: isoSeconds(st.mtime) });
        } catch {
          // vanished between readdir and stat
        }
      }),
    );
  }
  await walk(sub === '' ? dir : path.join(dir, ...sub.split('/')), sub);
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/**
 * Whether a walk differs from the recorded files[] in a way worth a write. A running backend
 * appends to backend.log all the time; its size alone must not rewrite the record and bump
 * updatedAt (which would reorder the gallery on every log line), so for it only presence counts.
 */
export function sameFiles(a: readonly FileEntry[], b: readonly FileEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.path !== y.path) return false;
    if (isBackendLog(x.path)) continue;
    if (x.bytes !== y.bytes || x.modifiedAt !== y.modifiedAt) return false;
  }
  return true;
}
