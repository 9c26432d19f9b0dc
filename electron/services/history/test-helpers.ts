import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ArtifactsChanged } from '../artifacts/store';
import { tempStore } from '../artifacts/test-helpers';
import { childEnv } from '../process/child-env';
import { HistoryService } from './history-service';
import type { HistoryDeps } from './ports';
import { defaultRetention, type RetentionLimits } from './retention';
import { CheckpointScheduler } from './turns';
import { historyStorePort } from './wiring';

/** A real store in a temp workspace with a history service over it, and what they did. */
export async function historyFixture(
  options: { limits?: RetentionLimits; now?: () => Date; quietMs?: number; deps?: Partial<HistoryDeps>; schedule?: boolean } = {},
) {
  const t = await tempStore();
  const events: ArtifactsChanged[] = [];
  const notices: string[] = [];
  const restarted: string[] = [];
  const running = new Set<string>();
  t.store.onChanged((e) => events.push(e));
  let limits = options.limits ?? defaultRetention;
  const history = new HistoryService({
    store: historyStorePort(t.store),
    backends: {
      status: (slug) => ({ state: running.has(slug) ? 'running' : 'stopped' }),
      restart: async (slug) => {
        restarted.push(slug);
      },
    },
    limits: () => limits,
    notice: (_level, message) => notices.push(message),
    ...(options.now ? { now: options.now } : {}),
    ...options.deps,
  });
  const scheduler = new CheckpointScheduler(history, options.quietMs ?? 30);
  const sub = t.store.onChanged((e) => {
    if (options.schedule) scheduler.onChanges(e.changes);
  });
  return {
    ...t,
    history,
    scheduler,
    events,
    notices,
    restarted,
    running,
    setLimits: (next: RetentionLimits) => {
      limits = next;
    },
    gitdir: (id: string) => path.join(t.ws, '.kiln', 'history', `${id}.git`),
    cleanup: async () => {
      sub.dispose();
      await scheduler.stop();
      await t.cleanup();
    },
  };
}

/** System git, reading a history repository the way a user would. */
export function sysGit(gitdir: string, workTree: string, ...args: string[]): string {
  return execFileSync('/usr/bin/git', [`--git-dir=${gitdir}`, `--work-tree=${workTree}`, ...args], {
    encoding: 'utf8',
    env: childEnv({ extra: { GIT_CONFIG_NOSYSTEM: '1' } }),
  });
}

/** Every path under a folder (files and folders), sorted: proves nothing new appeared in it. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) await walk(path.join(abs, e.name), r);
    }
  };
  await walk(dir, '');
  return out.sort();
}

export const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
