import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isoGit } from './iso-git';
import fsSync from 'node:fs';
import type { HistoryRepo, CommitInfo } from './repo';

export interface RetentionLimits {
  /** Checkpoints younger than this are kept. */
  retentionDays: number;
  /** The newest this many are always kept, whatever their age. */
  keepLast: number;
  /** Size cap of one artifact's history, in MB. */
  maxMB: number;
}

export const defaultRetention: RetentionLimits = { retentionDays: 30, keepLast: 50, maxMB: 500 };

/** How many of the log (newest first) to keep: the last `keepLast`, and everything younger than the cut. */
export function keepCount(log: readonly { at: string }[], limits: RetentionLimits, now: Date): number {
  if (log.length <= limits.keepLast) return log.length;
  const cut = now.getTime() - limits.retentionDays * 86_400_000;
  let keep = limits.keepLast;
  while (keep < log.length && Date.parse(log[keep]!.at) >= cut) keep++;
  return keep;
}

/**
 * Drops every checkpoint older than the newest `keep`: the kept ones are written again on a
 * new root (same trees, messages and times; ids inside messages mapped to their new ids), the
 * branch moves, and loose objects nothing reaches any more are deleted. Returns old → new ids.
 */
export async function pruneHistory(repo: HistoryRepo, log: readonly CommitInfo[], keep: number, alsoKeepTree?: string): Promise<Map<string, string>> {
  const kept = log.slice(0, keep).reverse(); // oldest first
  const map = new Map<string, string>();
  let parent: string | null = null;
  for (const c of kept) {
    let message = c.message;
    for (const [from, to] of map) message = message.split(from).join(to);
    const who = { name: 'Kiln', email: 'kiln@localhost', timestamp: c.timestamp, timezoneOffset: 0 };
    const oid: string = await (await isoGit()).writeCommit({
      fs: fsSync,
      gitdir: repo.gitdir,
      commit: { message, tree: c.tree, parent: parent ? [parent] : [], author: who, committer: who },
    });
    map.set(c.oid, oid);
    parent = oid;
  }
  if (parent) await repo.setHead(parent);
  await collectGarbage(repo, [...map.values()], alsoKeepTree);
  return map;
}

/** Deletes loose objects not reachable from `commits`. */
async function collectGarbage(repo: HistoryRepo, commits: readonly string[], alsoKeepTree?: string): Promise<void> {
  const reachable = new Set<string>();
  // A snapshot about to be committed (its blobs are written but nothing points to them yet).
  const trees: string[] = alsoKeepTree ? [alsoKeepTree] : [];
  for (const oid of commits) {
    reachable.add(oid);
    trees.push((await repo.readCommit(oid)).tree);
  }
  while (trees.length > 0) {
    const t = trees.pop()!;
    if (reachable.has(t)) continue;
    reachable.add(t);
    const { tree } = await (await isoGit()).readTree({ fs: fsSync, gitdir: repo.gitdir, oid: t });
    for (const e of tree) {
      if (e.type === 'tree') trees.push(e.oid);
      else reachable.add(e.oid);
    }
  }
  const objects = path.join(repo.gitdir, 'objects');
  for (const dir of await fs.readdir(objects).catch(() => [])) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const rest of await fs.readdir(path.join(objects, dir)).catch(() => [])) {
      if (!reachable.has(dir + rest)) await fs.rm(path.join(objects, dir, rest), { force: true });
    }
  }
}
