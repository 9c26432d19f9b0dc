import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAtomicTempFile, isBackendLog, isToolingDir } from '../../../shared/artifacts/rules';
import { isContentPath } from '../artifacts/files';
import { blobOid, type HistoryRepo, type TreeFile } from './repo';

/** What a file looked like when its blob id was last computed. */
interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
  oid: string;
}

/** A content file found on disk. */
export interface DiskFile {
  path: string;
  abs: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** The same rule as the artifact's files[] (`shared/artifacts/rules.ts`), minus the backend log: its growth is no change. */
export function isHistoryPath(rel: string): boolean {
  return isContentPath(rel) && !isBackendLog(rel);
}

/**
 * Content files of an artifact folder: recursive, symlinks and non-files skipped, tooling
 * folders (venvs, caches, `.git`) and bookkeeping files left out, `/` separated.
 */
export async function walkContent(dir: string): Promise<DiskFile[]> {
  const out: DiskFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (e) => {
        const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
        const at = path.join(abs, e.name);
        if (e.isDirectory()) {
          if (!isToolingDir(e.name)) await walk(at, relPath);
          return;
        }
        if (!e.isFile() || isAtomicTempFile(e.name) || !isHistoryPath(relPath)) return;
        const st = await fs.lstat(at).catch(() => null);
        if (st?.isFile()) out.push({ path: relPath, abs: at, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
      }),
    );
  };
  await walk(dir, '');
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/**
 * Remembers each file's blob id by its size, mtime and inode, so a checkpoint reads only the
 * files that changed since the last one. Kept in the git-dir (`kiln-stat.json`), never in the
 * artifact folder.
 */
export class StatCache {
  private stamps = new Map<string, Stamp>();
  private dirty = false;

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, Stamp>;
      this.stamps = new Map(Object.entries(raw).filter(([, s]) => typeof s?.oid === 'string'));
    } catch {
      this.stamps = new Map(); // absent or unreadable: every file is hashed once more
    }
  }

  lookup(f: DiskFile): string | null {
    const s = this.stamps.get(f.path);
    return s && s.size === f.size && s.mtimeMs === f.mtimeMs && s.ino === f.ino ? s.oid : null;
  }

  remember(f: DiskFile, oid: string): void {
    this.stamps.set(f.path, { size: f.size, mtimeMs: f.mtimeMs, ino: f.ino, oid });
    this.dirty = true;
  }

  /** Drops entries for files that are gone. */
  keepOnly(paths: ReadonlySet<string>): void {
    for (const p of this.stamps.keys()) {
      if (!paths.has(p)) {
        this.stamps.delete(p);
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await fs.writeFile(this.file, JSON.stringify(Object.fromEntries(this.stamps)));
  }
}

/**
 * The artifact folder as a flat `path → blob` map, writing the blobs git doesn't have yet.
 * A file that changes while it is read is caught by the next checkpoint (its stamp moved on).
 */
export async function snapshotFiles(dir: string, repo: HistoryRepo, cache: StatCache): Promise<Map<string, TreeFile>> {
  const files = await walkContent(dir);
  const oids = new Map<string, string>();
  // Changed files are read, hashed and deflated a few at a time (zlib runs on the thread pool).
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      let oid = cache.lookup(f);
      if (!oid) {
        let data: Buffer;
        try {
          data = await fs.readFile(f.abs);
        } catch {
          continue; // vanished since the walk
        }
        oid = await repo.writeBlob(data, blobOid(data));
        cache.remember(f, oid);
      }
      oids.set(f.path, oid);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const out = new Map<string, TreeFile>();
  for (const f of files) {
    const oid = oids.get(f.path);
    if (oid) out.set(f.path, { oid, mode: '100644' });
  }
  cache.keepOnly(new Set(out.keys()));
  return out;
}
