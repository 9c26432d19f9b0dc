import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';
import { commandLineOf, cwdOf, stopGroup } from './process-group';

export interface PidEntry {
  slug: string;
  pid: number;
  port: number;
  python: string;
  dir: string;
  startedAt: string;
  /** The Kiln process that started it: a second Kiln on the same workspace leaves it alone. */
  ownerPid?: number;
}

/** True when a process with this pid exists (signal 0 checks without touching it). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<ws>/.kiln/state/backends.json`: the backends this Kiln started. If Kiln dies without
 * stopping them, the next start finds them here and reaps them — but only after checking
 * that the pid still runs that artifact's backend (pids get reused).
 */
export class PidRegistry {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: () => string) {}

  async read(): Promise<PidEntry[]> {
    try {
      const data = JSON.parse(await fs.readFile(this.file(), 'utf8')) as { backends?: unknown };
      return Array.isArray(data.backends) ? (data.backends as PidEntry[]).filter((e) => Number.isInteger(e?.pid) && e.pid > 1) : [];
    } catch {
      return [];
    }
  }

  add(entry: PidEntry): Promise<void> {
    return this.mutate((list) => [...list.filter((e) => e.slug !== entry.slug), entry]);
  }

  remove(slug: string, pid: number): Promise<void> {
    return this.mutate((list) => list.filter((e) => !(e.slug === slug && e.pid === pid)));
  }

  private mutate(fn: (list: PidEntry[]) => PidEntry[]): Promise<void> {
    this.queue = this.queue.then(async () => {
      const next = fn(await this.read());
      await fs.mkdir(path.dirname(this.file()), { recursive: true });
      await writeFileAtomic(this.file(), toPrettyJson({ backends: next }));
    }).catch(() => undefined);
    return this.queue;
  }

  /**
   * Stops every recorded backend that is still running its artifact's command and clears
   * the registry. Returns the entries that were reaped.
   */
  async reapOrphans(): Promise<PidEntry[]> {
    const reaped: PidEntry[] = [];
    const kept: PidEntry[] = [];
    for (const e of await this.read()) {
      // Another Kiln (the desktop app while the web host starts, say) still owns this one.
      if (e.ownerPid !== undefined && e.ownerPid !== process.pid && processAlive(e.ownerPid)) {
        kept.push(e);
        continue;
      }
      if (await isStillBackend(e)) {
        await stopGroup(e.pid);
        reaped.push(e);
      }
    }
    await this.mutate((list) => list.filter((e) => kept.some((k) => k.slug === e.slug && k.pid === e.pid)));
    return reaped;
  }
}

/** The pid still runs `<python> backend.py --port <port>` in the artifact's folder. */
export async function isStillBackend(e: PidEntry): Promise<boolean> {
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
