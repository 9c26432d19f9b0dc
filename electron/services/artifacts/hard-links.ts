import type { Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isBookkeepingFile, isToolingDir } from '../../../shared/artifacts/rules';

/** A walk for publish state files stops here: hard links are rare, huge artifacts are not. */
const MAX_ENTRIES = 20_000;

/**
 * The bookkeeping file (artifact-relative) that `st` is another name of, or null. A hard link
 * (`ln .published.json hard.txt`, made by a backend or `run_python`) has no link to follow, so
 * only the file's identity tells: a file with one name (`nlink` 1) is never one, and costs
 * nothing; otherwise the artifact's bookkeeping files are compared by device and inode.
 */
export async function bookkeepingAlias(dir: string, st: Stats): Promise<string | null> {
  if (st.nlink <= 1) return null;
  let seen = 0;
  async function walk(abs: string, rel: string): Promise<string | null> {
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return null;
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory() && !isToolingDir(e.name)) {
        const found = await walk(path.join(abs, e.name), childRel);
        if (found) return found;
      } else if (e.isFile() && isBookkeepingFile(childRel)) {
        const other = await fs.lstat(path.join(abs, e.name)).catch(() => null);
        if (other && other.ino === st.ino && other.dev === st.dev) return childRel;
      }
    }
    return null;
  }
  return walk(dir, '');
}
