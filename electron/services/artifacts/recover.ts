import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAtomicTempFile, isToolingDir, METADATA_FILE, slugProblem } from '../../../shared/artifacts/rules';
import { safeReadText } from '../fs/safe-read';
import { MAX_METADATA_BYTES } from './record';
import { readRecord, writeRecord } from './records';

/** Atomic-write temp names carry the writer's pid: `.<name>.<pid>.<hex>.tmp`. */
function writerPid(name: string): number | null {
  const m = /\.(\d+)\.[0-9a-f]+\.tmp$/i.exec(name);
  return m ? Number(m[1]) : null;
}

/** A temp file younger than this may belong to a Kiln that is writing it right now. */
const FRESH_MS = 60_000;

export interface RecoveryReport {
  /** Artifacts whose complete record was in a temp folder, now renamed into place. */
  restored: string[];
  /** Temp folders and stray atomic-write temp files removed. */
  removed: number;
}

async function strayTempFiles(dir: string, depth: number, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isFile() && isAtomicTempFile(e.name)) out.push(abs);
    else if (e.isDirectory() && depth < 8 && !isToolingDir(e.name) && !isAtomicTempFile(e.name)) await strayTempFiles(abs, depth + 1, out);
  }
}

/**
 * At start, clears up what a crash left in the artifacts root: a create's temp folder with a
 * complete record is renamed into place (it was one rename from done), any other is removed;
 * atomic-write temp files (`.<name>.<pid>.<hex>.tmp`) left in artifact folders are removed,
 * except fresh ones or those of this process.
 */
export async function recoverArtifactsRoot(root: string, now = Date.now()): Promise<RecoveryReport> {
  const report: RecoveryReport = { restored: [], removed: 0 };
  let entries;
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    return report;
  }
  for (const e of entries) {
    const abs = path.join(root, e.name);
    if (e.isDirectory() && /^\.new-[0-9a-z]+\.tmp$/i.test(e.name)) {
      const slug = await recordedSlug(abs);
      const read = slug ? await readRecord(abs, slug) : null;
      const target = read?.ok && !slugProblem(slug) ? path.join(root, slug) : null;
      if (target && !(await fs.lstat(target).catch(() => null))) {
        await fs.rename(abs, target).then(() => report.restored.push(slug), () => undefined);
        if (report.restored.includes(slug)) {
          // The crash may have caught it writing README.md: write it again, drop its temp file.
          if (read?.ok) await writeRecord(target, read.record).catch(() => undefined);
          const stray: string[] = [];
          await strayTempFiles(target, 0, stray);
          for (const file of stray) if (await removeIfStale(file, now)) report.removed++;
          continue;
        }
      }
      await fs.rm(abs, { recursive: true, force: true }).then(() => report.removed++, () => undefined);
      continue;
    }
    if (e.isFile() && isAtomicTempFile(e.name)) {
      await removeIfStale(abs, now).then((gone) => gone && report.removed++);
      continue;
    }
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const stray: string[] = [];
    await strayTempFiles(abs, 0, stray);
    for (const file of stray) if (await removeIfStale(file, now)) report.removed++;
  }
  return report;
}

async function removeIfStale(file: string, now: number): Promise<boolean> {
  const pid = writerPid(path.basename(file));
  if (pid === process.pid) return false;
  const st = await fs.lstat(file).catch(() => null);
  if (!st || !st.isFile() || now - st.mtimeMs < FRESH_MS) return false;
  return fs.rm(file, { force: true }).then(() => true, () => false);
}

/** The slug written inside a temp folder's record ('' when there is no complete one). */
async function recordedSlug(dir: string): Promise<string> {
  try {
    const data = JSON.parse(await safeReadText(path.join(dir, METADATA_FILE), { maxBytes: MAX_METADATA_BYTES })) as { slug?: unknown };
    return typeof data.slug === 'string' ? data.slug : '';
  } catch {
    return '';
  }
}
