import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChangeAuthor } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import type { Checkpoint, CheckpointAuthor, CheckpointRecord, FileDiff, HistoryState } from '../../../shared/contract/history';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { fileDiff } from './diff';
import { changedPaths, describePaths, encodeMessage, sameRecord, type ParsedCommit } from './message';
import type { HistoryDeps } from './ports';
import { ArtifactHistory } from './artifact-history';
import { defaultRetention, keepCount, pruneHistory, type RetentionLimits } from './retention';
import { snapshotFiles } from './snapshot';
import type { TreeFile } from './repo';

export interface CheckpointInput {
  by: CheckpointAuthor;
  /** Overrides the summary made from the author and the changed files. */
  summary?: string;
  conversationId?: string;
  turnId?: string;
  interrupted?: boolean;
  restoredFrom?: string;
  undoOf?: string;
  redoOf?: string;
  previous?: string;
  /** Commit even when nothing changed (a restore to the current state still shows). */
  force?: boolean;
  /** The folder is known to hold no content yet (Kiln just created it): no snapshot is read, so a write racing in can't be folded into it. */
  empty?: boolean;
}

export interface RestoreOptions {
  /** Who asked: the user (History tab, turn card) or the agent (`restore_checkpoint`). */
  by: Extract<ChangeAuthor, 'user' | 'agent'>;
  undoOf?: string;
  redoOf?: string;
}

const REQUIREMENTS = 'requirements.txt';

/** `<workspace>/.kiln/history` */
export function historyRoot(workspace: string): string {
  return path.join(workspace, '.kiln', 'history');
}

/**
 * Checkpoints of every artifact: a git repository per artifact at
 * `<workspace>/.kiln/history/<artifact-id>.git` whose work tree is the artifact folder (content
 * files only, so anton's view of the folder is unchanged). Every operation on one artifact's
 * history runs in that artifact's queue. A history that can't be read never blocks the
 * artifact: it is reported as damaged and can be started afresh.
 */
export class HistoryService {
  private readonly queue = new KeyedQueue();
  private readonly repos = new Map<string, ArtifactHistory>();
  /** Slugs whose history was found damaged or full, told once per run. */
  private readonly told = new Set<string>();
  private readonly now: () => Date;

  constructor(private readonly deps: HistoryDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  root(): string {
    return historyRoot(this.deps.store.workspace());
  }

  private limits(): RetentionLimits {
    return this.deps.limits?.() ?? defaultRetention;
  }

  /** The cached history of an artifact id under the current workspace. */
  private repoFor(id: string): ArtifactHistory {
    const gitdir = path.join(this.root(), `${id}.git`);
    let repo = this.repos.get(gitdir);
    if (!repo) {
      repo = new ArtifactHistory(gitdir);
      this.repos.set(gitdir, repo);
    }
    return repo;
  }

  /** Runs `fn` in the artifact's queue (the same key for checkpoints and restores). */
  inQueue<T>(slug: string, fn: () => Promise<T>): Promise<T> {
    return this.queue.run(slug, fn);
  }

  // ── checkpoints ─────────────────────────────────────────────────────────────────────────

  /** Takes a checkpoint when the artifact changed since the last one; null when nothing changed or it couldn't be taken. */
  checkpoint(slug: string, input: CheckpointInput): Promise<Checkpoint | null> {
    return this.inQueue(slug, () => this.checkpointIn(slug, input));
  }

  private async checkpointIn(slug: string, input: CheckpointInput): Promise<Checkpoint | null> {
    let record;
    try {
      record = await this.deps.store.read(slug);
    } catch {
      return null; // a damaged or vanished record: the artifact shows why; nothing to keep
    }
    const dir = await this.deps.store.dir(slug);
    const h = this.repoFor(record.id);
    if (!(await h.ready())) {
      this.tell(slug, 'warning', `The history of "${record.name}" is damaged, so Kiln is not taking checkpoints of it. Open its History tab and choose "Start a fresh history".`);
      return null;
    }
    const files = input.empty ? new Map<string, TreeFile>() : await snapshotFiles(dir, h.repo, h.stat);
    if (!input.empty) await h.stat.save().catch(() => undefined);
    const tree = await h.repo.writeTree(files);
    const head = await h.headState();
    const current: CheckpointRecord = { name: record.name, description: record.description, primary: record.primary, datasources: record.datasources };
    if (head && head.tree === tree && sameRecord(head.record, current) && !input.force) return null;

    const paths = changedPaths(head?.files ?? new Map(), files);
    const recordChanged = head !== null && !sameRecord(head.record, current);
    if (!(await this.withinCap(slug, record.name, h, tree))) return null;
    const at = this.now();
    const meta = {
      v: 1 as const,
      at: at.toISOString(),
      by: input.by,
      paths,
      pathCount: paths.length,
      recordChanged,
      record: current,
      requirementsHash: files.get(REQUIREMENTS)?.oid ?? null,
      ...(input.conversationId ? { conversationId: input.conversationId } : {}),
      ...(input.turnId ? { turnId: input.turnId } : {}),
      ...(input.interrupted ? { interrupted: true } : {}),
      ...(input.restoredFrom ? { restoredFrom: input.restoredFrom } : {}),
      ...(input.undoOf ? { undoOf: input.undoOf } : {}),
      ...(input.redoOf ? { redoOf: input.redoOf } : {}),
      ...(input.previous ? { previous: input.previous } : {}),
    };
    const summary = input.summary ?? summaryFor(input, head === null, paths.length === 0 && recordChanged ? 'the name, description or settings' : describePaths(paths, paths.length));
    const message = encodeMessage(summary, meta);
    const oid = await h.repo.commit({ tree, parent: head?.oid ?? null, message, at });
    h.committed({ oid, parent: head?.oid ?? null, message, tree, timestamp: Math.floor(at.getTime() / 1000) }, files);
    await this.applyRetention(h);
    this.deps.onChanged?.(slug);
    return h.parsed(oid)?.checkpoint ?? null;
  }

  /** Drops checkpoints the retention setting no longer keeps (a cheap check when there are none). */
  private async applyRetention(h: ArtifactHistory, limits = this.limits(), pendingTree?: string): Promise<void> {
    const log = await h.log();
    const keep = keepCount(log.map((p) => p.checkpoint), limits, this.now());
    if (keep >= log.length) return;
    const map = await pruneHistory(h.repo, log.map((p) => p.commit), keep, pendingTree);
    await h.remapPublished(map);
    await h.dropStat();
  }

  /** False (and a message once) when the history is over its size cap even after dropping what retention allows. */
  private async withinCap(slug: string, name: string, h: ArtifactHistory, pendingTree: string): Promise<boolean> {
    const limits = this.limits();
    const cap = limits.maxMB * 1024 * 1024;
    if ((await h.size()) <= cap) {
      h.limit = null;
      return true;
    }
    // Over the cap: keep only the last `keepLast`, whatever their age, and measure again.
    await this.applyRetention(h, { ...limits, retentionDays: 0 }, pendingTree);
    h.resetSize();
    if ((await h.size()) <= cap) return true;
    h.limit = `The history of "${name}" has reached its size cap of ${limits.maxMB} MB, so Kiln stopped taking checkpoints of it. Raise "History size cap" in Settings → History, or start a fresh history from the History tab.`;
    this.tell(`cap:${slug}`, 'warning', h.limit);
    return false;
  }

  private tell(key: string, level: 'warning' | 'error', message: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.deps.notice?.(level, message);
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────

  /** The History tab: checkpoints newest first, or why there are none. Never throws for a damaged repo. */
  async list(slug: string): Promise<HistoryState> {
    const record = await this.deps.store.read(slug);
    const h = this.repoFor(record.id);
    const base = { slug, gitDir: h.repo.gitdir };
    if (!(await h.repo.exists())) return { ...base, status: 'none', checkpoints: [] };
    try {
      const log = await h.log();
      const published = await h.published();
      const checkpoints = log.map(({ checkpoint }) => {
        const p = published[checkpoint.id];
        return p ? { ...checkpoint, published: p } : checkpoint;
      });
      return { ...base, status: checkpoints.length > 0 ? 'ok' : 'none', checkpoints, ...(h.limit ? { limit: h.limit } : {}) };
    } catch (error) {
      h.forget();
      return { ...base, status: 'damaged', checkpoints: [], problem: `Kiln can't read this artifact's history (${(error as Error).message}). The artifact itself is fine.` };
    }
  }

  /** A checkpoint by id or unique prefix; NOT_FOUND otherwise. */
  private async find(slug: string, id: string): Promise<{ h: ArtifactHistory; found: ParsedCommit }> {
    const record = await this.deps.store.read(slug);
    const h = this.repoFor(record.id);
    const log = await h.log().catch(() => [] as ParsedCommit[]);
    const hits = log.filter((p) => p.commit.oid.startsWith(id));
    if (hits.length !== 1) {
      throw new KilnError('NOT_FOUND', hits.length === 0 ? `There is no checkpoint ${id} in the history of "${record.name}". List them again and pick one.` : `${id} matches several checkpoints; give more of its id.`);
    }
    return { h, found: hits[0]! };
  }

  /** Per-file diff of a checkpoint against the one before it. */
  async diff(slug: string, id: string): Promise<{ files: FileDiff[] }> {
    const { h, found } = await this.find(slug, id);
    const after = await h.repo.files(found.commit.tree);
    const before = found.commit.parent ? await h.repo.files((await h.repo.readCommit(found.commit.parent)).tree) : new Map();
    const files: FileDiff[] = [];
    for (const change of changedPaths(before, after)) {
      const a = before.get(change.path);
      const b = after.get(change.path);
      files.push(fileDiff(change, a ? await h.repo.readBlob(a.oid) : null, b ? await h.repo.readBlob(b.oid) : null));
    }
    return { files };
  }

  // ── restore ─────────────────────────────────────────────────────────────────────────────

  /**
   * Brings back a checkpoint's files and record. Checkpoints the current state first and the
   * restored state after (so the restore itself can be undone); restarts a running backend.
   */
  async restore(slug: string, id: string, opts: RestoreOptions, busy?: () => string | null): Promise<Checkpoint> {
    if (this.deps.isPublishing?.(slug)) throw new KilnError('CONFLICT', 'This artifact is being published. Wait for the publish to finish, then restore.');
    const reason = busy?.();
    if (reason) throw new KilnError('CONFLICT', reason);
    const restored = await this.inQueue(slug, async () => {
      const { h, found } = await this.find(slug, id);
      const target = found.commit;
      await this.checkpointIn(slug, { by: opts.by, summary: `Before restoring the checkpoint of ${shortTime(found.checkpoint.at)}` });
      const previous = (await h.headState())?.oid;
      const wanted = await h.repo.files(target.tree);
      const have = (await h.headState())?.files ?? new Map();
      const writes: { path: string; data: Uint8Array }[] = [];
      for (const [p, f] of wanted) if (have.get(p)?.oid !== f.oid) writes.push({ path: p, data: await h.repo.readBlob(f.oid) });
      const removes = [...have.keys()].filter((p) => !wanted.has(p));
      if (writes.length + removes.length > 0) await this.deps.store.applyFiles(slug, writes, removes, opts.by);
      if (found.meta) await this.deps.store.restoreRecord(slug, found.meta.record, opts.by);
      const summary = opts.undoOf ? 'Undid an agent turn' : opts.redoOf ? 'Redid an agent turn' : `Restored the checkpoint of ${shortTime(found.checkpoint.at)}`;
      const made = await this.checkpointIn(slug, {
        by: 'restore',
        summary,
        force: true,
        restoredFrom: target.oid,
        ...(opts.undoOf ? { undoOf: opts.undoOf } : {}),
        ...(opts.redoOf ? { redoOf: opts.redoOf } : {}),
        ...(previous ? { previous } : {}),
      });
      if (!made) throw new KilnError('IO', 'The files were restored, but Kiln could not record the restore in the history. Open the History tab to see why.');
      return { made, changed: [...writes.map((w) => w.path), ...removes] };
    });
    await this.restartBackend(slug, restored.changed);
    return restored.made;
  }

  private async restartBackend(slug: string, changed: readonly string[]): Promise<void> {
    if (this.deps.backends.status(slug).state === 'stopped') return;
    await this.deps.backends.restart(slug, changed).catch((error: unknown) => {
      this.deps.notice?.('warning', 'The files were restored, but the backend could not restart. Start it again from the preview.', (error as Error).message);
    });
  }

  /** The `previous` recorded on a restore checkpoint (what an undo replaced), for Redo. */
  async metaOf(slug: string, id: string): Promise<ParsedCommit> {
    return (await this.find(slug, id)).found;
  }

  /** Every artifact's history that mentions this turn (undo/redo look here). */
  async historiesOf(turnId: string): Promise<{ slug: string; log: ParsedCommit[] }[]> {
    const out: { slug: string; log: ParsedCommit[] }[] = [];
    for (const item of await this.deps.store.list()) {
      if (!item.id) continue;
      const h = this.repoFor(item.id);
      if (!(await h.repo.exists())) continue;
      const log = await h.log().catch(() => [] as ParsedCommit[]);
      if (log.some((p) => p.checkpoint.turnId === turnId || p.checkpoint.undoOf === turnId || p.checkpoint.redoOf === turnId)) out.push({ slug: item.slug, log });
    }
    return out;
  }

  // ── publish, reset, removal ─────────────────────────────────────────────────────────────

  /** After a publish: checkpoint what was published (if it changed) and record its version on that checkpoint. */
  async markPublished(slug: string): Promise<void> {
    const state = await this.deps.publishedNow?.(slug).catch(() => null);
    if (!state) return;
    await this.inQueue(slug, async () => {
      await this.checkpointIn(slug, { by: 'user', summary: 'Published' });
      const record = await this.deps.store.read(slug);
      const h = this.repoFor(record.id);
      const head = await h.headState();
      if (!head) return;
      await h.markPublished(head.oid, { ...state, at: this.now().toISOString() });
      this.deps.onChanged?.(slug);
    });
  }

  /** Keeps the old repository as `<id>.git.bak` and starts a new history from the folder as it is now. */
  async reset(slug: string): Promise<HistoryState> {
    await this.inQueue(slug, async () => {
      const record = await this.deps.store.read(slug);
      const h = this.repoFor(record.id);
      if (await h.repo.exists()) {
        let bak = `${h.repo.gitdir}.bak`;
        if (await fs.stat(bak).catch(() => null)) bak = `${bak}-${this.now().toISOString().replace(/[:.]/g, '-')}`;
        await fs.rename(h.repo.gitdir, bak);
      }
      h.forget();
      this.told.delete(slug);
      this.told.delete(`cap:${slug}`);
      await this.checkpointIn(slug, { by: 'user', summary: 'Started a fresh history' });
    });
    return this.list(slug);
  }

  /**
   * Before an artifact is deleted: learns its history's place, and returns what moves the
   * history to the trash once the folder went there (the OS trash, else `.kiln/trash/history`).
   */
  async prepareRemoval(slug: string): Promise<() => Promise<void>> {
    const id = await this.deps.store.read(slug).then((r) => r.id).catch(() => null);
    if (!id) return async () => undefined;
    const h = this.repoFor(id);
    return () =>
      this.inQueue(slug, async () => {
        this.repos.delete(h.repo.gitdir);
        if (!(await h.repo.exists())) return;
        if (this.deps.trashItem && (await this.deps.trashItem(h.repo.gitdir).catch(() => false))) return;
        const trash = path.join(this.deps.store.workspace(), '.kiln', 'trash', 'history');
        await fs.mkdir(trash, { recursive: true });
        await fs.rename(h.repo.gitdir, path.join(trash, `${id}-${this.now().toISOString().replace(/[:.]/g, '-')}.git`));
      });
  }
}

function summaryFor(input: CheckpointInput, first: boolean, what: string): string {
  // The first checkpoint of an artifact (made when it appears) is the base every undo can go back to.
  if (first && !input.turnId) return `History started (${what})`;
  if (input.interrupted) return `Interrupted turn: ${what}`;
  switch (input.by) {
    case 'agent':
      return `Agent turn: ${what}`;
    case 'user':
      return `Changed in Kiln: ${what}`;
    case 'outside':
      return `Changed outside Kiln: ${what}`;
    case 'restore':
      return `Restored: ${what}`;
  }
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}
