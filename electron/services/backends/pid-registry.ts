import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toPrettyJson } from '../fs/atomic-write';
import { appendStateFile, writeStateFile } from '../fs/state-file';
import { safeReadText } from '../fs/safe-read';
import { commandLineOf, cwdOf } from './process-group';

export interface PidEntry {
  slug: string;
  /** Absent while only the intent is recorded (the process may or may not have started). */
  pid?: number;
  port: number;
  python: string;
  dir: string;
  startedAt: string;
  /** The Kiln process that started it: a second Kiln on the same workspace leaves it alone. */
  ownerPid?: number;
  /** The run id; the backend's environment carries it as `BACKEND_MARK_VAR`. */
  id: string;
}

/** Set in every backend's environment: finds Kiln's own backends even when no pid was recorded. */
export const BACKEND_MARK_VAR = 'KILN_BACKEND_MARK';

export const JOURNAL_FILE = 'backends.jsonl';
/** The registry before the journal (read once for reaping, then removed). */
const LEGACY_FILE = 'backends.json';
const MAX_JOURNAL_BYTES = 8 * 1024 * 1024;

type Line =
  | ({ op: 'start' } & Omit<PidEntry, 'pid'>)
  | { op: 'pid'; id: string; pid: number }
  | { op: 'end'; id: string };

/**
 * `<ws>/.kiln/state/backends.jsonl`: an append-only journal of the backends Kiln starts. The
 * intent (slug, port, folder) is appended *before* the spawn, the pid right after it, and the
 * end when the process is gone; each is one small `O_APPEND` write, which survives a crash of
 * Kiln (it is in the kernel's page cache at once) and needs no read-modify-write. So at the
 * next start the reaper finds every backend, even one started a moment before the crash.
 * The journal is compacted (rewritten with only live entries) when the reaper is done.
 */
export class PidRegistry {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly mine = new Map<string, PidEntry>();

  constructor(private readonly stateDir: () => string) {}

  file(): string {
    return path.join(this.stateDir(), JOURNAL_FILE);
  }

  /** Entries started and not ended, legacy `backends.json` entries included. */
  async read(): Promise<PidEntry[]> {
    const live = new Map<string, PidEntry>();
    let text = '';
    try {
      text = await safeReadText(this.file(), { maxBytes: MAX_JOURNAL_BYTES });
    } catch {
      // Absent or unreadable: nothing recorded (the marker scan is the second net).
    }
    for (const raw of text.split('\n')) {
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // a torn last line
      }
      if (!line || typeof line.id !== 'string') continue;
      if (line.op === 'start' && typeof line.slug === 'string' && Number.isInteger(line.port)) {
        const { op: _op, ...entry } = line;
        live.set(line.id, entry);
      } else if (line.op === 'pid' && Number.isInteger(line.pid) && line.pid > 1) {
        const e = live.get(line.id);
        if (e) e.pid = line.pid;
      } else if (line.op === 'end') {
        live.delete(line.id);
      }
    }
    return [...live.values(), ...(await this.readLegacy())];
  }

  private async readLegacy(): Promise<PidEntry[]> {
    try {
      const text = await safeReadText(path.join(this.stateDir(), LEGACY_FILE), { maxBytes: MAX_JOURNAL_BYTES });
      const data = JSON.parse(text) as { backends?: unknown };
      if (!Array.isArray(data.backends)) return [];
      return (data.backends as PidEntry[])
        .filter((e) => Number.isInteger(e?.pid) && (e.pid ?? 0) > 1)
        .map((e) => ({ ...e, id: `legacy-${e.pid}` }));
    } catch {
      return [];
    }
  }

  isMine(id: string): boolean {
    return this.mine.has(id);
  }

  /** Records what is about to be started; resolves with the run id to put in its environment. */
  async intent(entry: Omit<PidEntry, 'id' | 'pid'>): Promise<string> {
    const id = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const full: PidEntry = { ...entry, id };
    this.mine.set(id, full);
    await this.append({ op: 'start', ...full });
    return id;
  }

  /** Records the pid of a started run (one small append, no read). */
  pid(id: string, pid: number): Promise<void> {
    const e = this.mine.get(id);
    if (e) e.pid = pid;
    return this.append({ op: 'pid', id, pid });
  }

  /** The run with this pid is gone (or stopped). */
  remove(slug: string, pid: number): Promise<void> {
    for (const [id, e] of this.mine) {
      if (e.slug === slug && e.pid === pid) return this.end(id);
    }
    return Promise.resolve();
  }

  end(id: string): Promise<void> {
    if (!this.mine.delete(id)) return Promise.resolve();
    return this.append({ op: 'end', id });
  }

  private append(line: Line): Promise<void> {
    const run = async (): Promise<void> => {
      await appendStateFile(this.file(), `${JSON.stringify(line)}\n`, this.stateDir());
    };
    // Serialized so a compaction never drops a line; a failed append (full disk) is not fatal:
    // the marker in the backend's environment still finds it.
    const next = this.queue.then(run, run).catch(() => undefined);
    this.queue = next;
    return next;
  }

  /** Rewrites the journal with only the live entries, minus `drop`; removes the legacy file. */
  compact(drop: ReadonlySet<string>): Promise<void> {
    const run = async (): Promise<void> => {
      const keep = (await this.read()).filter((e) => !drop.has(e.id) && !e.id.startsWith('legacy-'));
      const lines = keep.flatMap(({ pid, ...e }): Line[] => [{ op: 'start', ...e }, ...(pid ? [{ op: 'pid' as const, id: e.id, pid }] : [])]);
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      await writeStateFile(this.file(), text, this.stateDir());
      await fs.rm(path.join(this.stateDir(), LEGACY_FILE), { force: true });
    };
    const next = this.queue.then(run, run).catch(() => undefined);
    this.queue = next;
    return next;
  }

  /** For tests and tools: write a legacy `backends.json` (the format before the journal). */
  static async writeLegacy(stateDir: string, entries: Omit<PidEntry, 'id'>[]): Promise<void> {
    await writeStateFile(path.join(stateDir, LEGACY_FILE), toPrettyJson({ backends: entries }), stateDir);
  }
}

/** The pid still runs `<python> backend.py --port <port>` in the artifact's folder. */
export async function isStillBackend(e: PidEntry & { pid: number }): Promise<boolean> {
  const cmd = await commandLineOf(e.pid);
  if (!cmd) return false;
  const i = cmd.findIndex((a) => a === 'backend.py' || a.endsWith('/backend.py') || a.endsWith('\\backend.py'));
  if (i < 0 || cmd[i + 1] !== '--port' || cmd[i + 2] !== String(e.port)) return false;
  const cwd = await cwdOf(e.pid);
  if (cwd !== null) {
    const real = await fs.realpath(e.dir).catch(() => e.dir);
    if (cwd !== real && cwd !== e.dir) return false;
  }
  return true;
}
