import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';
import { commandLineOf, ownedByLiveKiln, stopGroup } from '../backends/process-group';

/**
 * `<userData>/state/mcp-servers.pids.json`: the stdio MCP servers this Kiln started, the same
 * reaper idea as the backends' pid registry, with the same rules (`process-group.ts`). If Kiln dies without stopping them, the next start
 * stops each recorded process group — but only while its pid still runs the recorded command
 * line (pids get reused) and no other live Kiln owns it.
 */
export interface McpPidEntry {
  server: string;
  pid: number;
  /**
   * SHA-256 of `/proc/<pid>/cmdline` right after the start (null where the OS can't tell): a
   * hash, because the command line may carry a secret argument, which must not be on disk.
   */
  commandHash?: string | null;
  /** The command line itself, as files from before `commandHash` recorded it (read, never written). */
  commandLine?: string[] | null;
  ownerPid: number;
  startedAt: string;
}

const hashOf = (commandLine: string[] | null): string | null =>
  commandLine === null ? null : createHash('sha256').update(commandLine.join('\0')).digest('hex');

/** Whether the pid still runs what was recorded (pids get reused). */
function same(now: string[] | null, e: McpPidEntry): boolean {
  if (now === null) return false;
  if (typeof e.commandHash === 'string') return hashOf(now) === e.commandHash;
  const old = e.commandLine;
  return Array.isArray(old) && old.length === now.length && old.every((x, i) => x === now[i]);
}

export class McpPidFile {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  static in(userData: string): McpPidFile {
    return new McpPidFile(path.join(userData, 'state', 'mcp-servers.pids.json'));
  }

  async read(): Promise<McpPidEntry[]> {
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as { servers?: unknown };
      return Array.isArray(data.servers) ? (data.servers as McpPidEntry[]).filter((e) => Number.isInteger(e?.pid) && e.pid > 1) : [];
    } catch {
      return [];
    }
  }

  async add(server: string, pid: number): Promise<void> {
    const commandHash = hashOf(await commandLineOf(pid));
    await this.mutate((list) => [
      ...list.filter((e) => e.pid !== pid),
      { server, pid, commandHash, ownerPid: process.pid, startedAt: new Date().toISOString() },
    ]);
  }

  remove(pid: number): Promise<void> {
    return this.mutate((list) => list.filter((e) => e.pid !== pid));
  }

  /** Resolves when every queued write is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private mutate(fn: (list: McpPidEntry[]) => McpPidEntry[]): Promise<void> {
    this.queue = this.queue
      .then(async () => {
        // Entries in the old format (the command line in clear) are rewritten as a hash too.
        const next = fn(await this.read()).map(({ commandLine, ...e }) => ({ ...e, commandHash: e.commandHash ?? hashOf(commandLine ?? null) }));
        await writeStateFile(this.file, toPrettyJson({ servers: next }));
      })
      .catch(() => undefined);
    return this.queue;
  }

  /** Stops servers a crashed Kiln left running; returns what was stopped. */
  async reapOrphans(): Promise<McpPidEntry[]> {
    const reaped: McpPidEntry[] = [];
    const kept: McpPidEntry[] = [];
    for (const e of await this.read()) {
      if (ownedByLiveKiln(e.ownerPid)) {
        kept.push(e);
        continue;
      }
      if (same(await commandLineOf(e.pid), e)) {
        await stopGroup(e.pid, 1500);
        reaped.push(e);
      }
    }
    await this.mutate((list) => list.filter((e) => kept.some((k) => k.pid === e.pid)));
    return reaped;
  }
}
