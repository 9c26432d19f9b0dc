import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from '../../../shared/contract/artifacts';
import { isoSeconds } from './time';

/** anton's owner-side publish state; anton keeps a publish password there in clear (format §5.5). */
export const PUBLISHED_STATE_FILE = '.published.json';

/** True for the artifact-relative path of the publish state, which never leaves main. */
export const isPublishStateFile = (rel: string): boolean => rel === PUBLISHED_STATE_FILE;

/** Top-level names that are the record itself, not artifact content (anton-format §2.3). */
const RESERVED_TOP = new Set(['metadata.json', 'README.md', PUBLISHED_STATE_FILE]);

/** Our own atomic-write temp files, which may exist for a moment. */
const isTempFile = (name: string): boolean => /^\..+\.tmp$/.test(name);

/** Folders that hold tooling state, never artifact content; skipping them keeps walks cheap. */
const SKIP_DIRS = new Set(['__pycache__', 'node_modules', '.venv', '.git']);

/**
 * files[] derived from disk: recursive, symlinks and non-files skipped, `/` separators,
 * sorted by path (code-unit order, as anton's `sorted()` does).
 */
export async function walkFiles(dir: string): Promise<FileEntry[]> {
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
          if (!SKIP_DIRS.has(e.name)) await walk(path.join(abs, e.name), relPath);
          return;
        }
        if (!e.isFile()) return;
        if (rel === '' && RESERVED_TOP.has(e.name)) return;
        if (isTempFile(e.name)) return;
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
  await walk(dir, '');
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
    if (x.path === 'backend.log') continue;
    if (x.bytes !== y.bytes || x.modifiedAt !== y.modifiedAt) return false;
  }
  return true;
}
