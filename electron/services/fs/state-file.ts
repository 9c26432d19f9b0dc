import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write';

/**
 * The one door for Kiln's own state on disk — under the user-data folder and `<workspace>/.kiln/`
 * (settings, conversations, journals, grants, thumbnails, pid files, window state…): files are
 * mode 0600 in folders of mode 0700, so another account on the machine reads none of it. A file
 * or folder left wider by an older Kiln (or a user's `cp`) is tightened on its next write.
 * On Windows modes mean little; the calls are harmless there.
 */
export const STATE_FILE_MODE = 0o600;
export const STATE_DIR_MODE = 0o700;

/** A wrong root must never close a shared folder (the machine's temp folder, HOME, `/`). */
function isSharedFolder(dir: string): boolean {
  const shared = [os.tmpdir(), os.homedir(), path.parse(dir).root].map((p) => path.resolve(p));
  return shared.includes(path.resolve(dir));
}

/**
 * Creates `dir` (and any missing folder between `root` and it) as 0700 and tightens those that
 * exist. Folders above `root` — the workspace, the home folder — are never touched.
 */
export async function ensureStateDir(dir: string, root: string = dir): Promise<void> {
  const rel = path.relative(root, dir);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new Error(`ensureStateDir: ${dir} is not inside ${root}`);
  if (isSharedFolder(root)) throw new Error(`ensureStateDir: ${root} is not a state folder`);
  await fs.mkdir(dir, { recursive: true, mode: STATE_DIR_MODE });
  for (let d = dir; ; d = path.dirname(d)) {
    // A chmod per folder per write: cheap, and a folder widened meanwhile is tightened again.
    await fs.chmod(d, STATE_DIR_MODE);
    if (d === root || path.dirname(d) === d) break;
  }
}

/** Atomically replaces a state file (0600; the rename drops any wider mode the old file had). */
export async function writeStateFile(file: string, data: string | Uint8Array, root: string = path.dirname(file)): Promise<void> {
  await ensureStateDir(path.dirname(file), root);
  await writeFileAtomic(file, data, STATE_FILE_MODE);
}

/** Appends to a state file (a journal, a conversation log), creating it 0600 or tightening it. */
export async function appendStateFile(file: string, data: string, root: string = path.dirname(file)): Promise<void> {
  await ensureStateDir(path.dirname(file), root);
  const handle = await fs.open(file, 'a', STATE_FILE_MODE);
  try {
    if (((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(STATE_FILE_MODE);
    await handle.writeFile(data, 'utf8');
  } finally {
    await handle.close();
  }
}

/** Creates a new, empty-or-given state file; fails with EEXIST when it is already there. */
export async function createStateFile(file: string, data: string, root: string = path.dirname(file)): Promise<void> {
  await ensureStateDir(path.dirname(file), root);
  await fs.writeFile(file, data, { flag: 'wx', mode: STATE_FILE_MODE });
}

/** At start: tightens state folders an older Kiln left wider (those that exist; none is created). */
export async function tightenStateDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    if (isSharedFolder(dir)) continue; // `--user-data ~` must not close the home folder
    const st = await fs.stat(dir).catch(() => null);
    // Not ours to change (another account's folder, a read-only disk): the writes will say so.
    if (st?.isDirectory() && (st.mode & 0o077) !== 0) await fs.chmod(dir, STATE_DIR_MODE).catch(() => undefined);
  }
}
