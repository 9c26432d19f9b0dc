import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BACKEND_MARK_VAR, isStillBackend, type PidEntry, type PidRegistry } from './pid-registry';
import { ownedByLiveKiln, stopGroup } from './process-group';

function ownerOf(id: string): number | null {
  const n = Number(id.split('-')[0]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

interface Marked {
  pid: number;
  pgid: number;
  id: string;
  cwd: string | null;
}

/** Linux: every process whose environment carries Kiln's backend marker. */
async function markedProcesses(): Promise<Marked[]> {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try {
    names = await fs.readdir('/proc');
  } catch {
    return [];
  }
  const prefix = `${BACKEND_MARK_VAR}=`;
  const found = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
      .map(async (n): Promise<Marked | null> => {
        try {
          const env = await fs.readFile(`/proc/${n}/environ`, 'latin1');
          const at = env.indexOf(prefix);
          if (at < 0 || (at > 0 && env[at - 1] !== '\0')) return null;
          const end = env.indexOf('\0', at);
          const id = env.slice(at + prefix.length, end < 0 ? undefined : end);
          const stat = await fs.readFile(`/proc/${n}/stat`, 'utf8');
          const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (rest[0] === 'Z') return null;
          const cwd = await fs.readlink(`/proc/${n}/cwd`).catch(() => null);
          return { pid: Number(n), pgid: Number(rest[2]), id, cwd };
        } catch {
          return null; // gone, or not ours to read
        }
      }),
  );
  return found.filter((m): m is Marked => m !== null);
}

export interface ReapOptions {
  /** `<workspace>/.anton/artifacts`: a marked process working in there is this workspace's. */
  artifactsRoot: () => string;
  /** True for runs this Kiln started (never reaped). */
  isMine: (id: string) => boolean;
  graceMs?: number;
}

/**
 * Finds the backends a crashed Kiln left running and stops them, all at once (each gets its
 * SIGTERM grace in parallel, not one after another). Two nets: the journal (entries whose pid
 * still runs that artifact's command) and, on Linux, the marker in each backend's
 * environment (which finds a backend whose pid never reached the journal). Returns the
 * entries reaped (a marked process with no journal entry is named after its folder).
 */
export async function reapOrphans(registry: PidRegistry, o: ReapOptions): Promise<PidEntry[]> {
  const entries = (await registry.read()).filter((e) => !o.isMine(e.id) && !ownedByLiveKiln(e.ownerPid));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const targets = new Map<number, PidEntry>(); // pgid → entry
  await Promise.all(
    entries.map(async (e) => {
      if (e.pid !== undefined && (await isStillBackend({ ...e, pid: e.pid }))) targets.set(e.pid, e);
    }),
  );
  const root = await fs.realpath(o.artifactsRoot()).catch(() => o.artifactsRoot());
  for (const m of await markedProcesses()) {
    if (o.isMine(m.id) || ownedByLiveKiln(ownerOf(m.id))) continue;
    const known = byId.get(m.id);
    const inRoot = m.cwd !== null && m.cwd.startsWith(root + path.sep);
    if (!known && !inRoot) continue; // another workspace's: its own Kiln will reap it
    // A backend leads its own group (spawned detached); never signal Kiln's own group.
    const pgid = m.pgid > 1 && m.pgid !== process.pid ? m.pgid : m.pid;
    const slug = known?.slug ?? (m.cwd ? path.basename(m.cwd) : '');
    targets.set(pgid, known ?? { id: m.id, slug, port: 0, python: '', dir: m.cwd ?? '', startedAt: '' });
  }
  await Promise.all([...targets.keys()].map((pgid) => stopGroup(pgid, o.graceMs ?? 3000)));
  await registry.compact(new Set(entries.map((e) => e.id)));
  const reaped = new Map<string, PidEntry>();
  for (const e of targets.values()) if (e.slug) reaped.set(e.slug, e);
  return [...reaped.values()];
}

/**
 * The supervisor's start-up step: reap (see `reapOrphans`) and clear the recorded port of
 * every artifact whose backend was reaped. Returns their slugs.
 */
export async function reapAndClear(
  registry: PidRegistry,
  stateDir: () => string,
  clearPort: (slug: string) => Promise<unknown>,
): Promise<string[]> {
  // stateDir is `<ws>/.kiln/state`; the artifacts live in `<ws>/.anton/artifacts`.
  const artifactsRoot = (): string => path.join(path.dirname(path.dirname(stateDir())), '.anton', 'artifacts');
  const reaped = await reapOrphans(registry, { artifactsRoot, isMine: (id) => registry.isMine(id) });
  await Promise.all(reaped.map((e) => clearPort(e.slug).catch(() => undefined)));
  return reaped.map((e) => e.slug);
}
