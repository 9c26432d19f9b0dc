import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAtomicTempFile, isBackendLog, isPublishStateFile, slugProblem } from '../../../shared/artifacts/rules';
import {
  createArtifactInputSchema,
  updateArtifactInputSchema,
  type ArtifactChange,
  type ArtifactListItem,
  type ArtifactRecord,
  type ChangeAuthor,
  type CreateArtifactInput,
  type UpdateArtifactInput,
} from '../../../shared/contract/artifacts';
import { describeZodError, KilnError } from '../../../shared/contract/core';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { ArtifactFiles, copyContent } from './artifact-files';
import { normalizeRelPath } from './confine';
import { isContentPath, recordFiles, sameFiles } from './files';
import { ListIndex } from './list-index';
import { OwnWrites } from './own-writes';
import { ArtifactPaths } from './paths';
import { applyTurn, cleanName, loadRecord, readRecord, recordPaths, writeRecord, type TurnInput } from './records';
import { baseSlug, newArtifactId } from './slug';
import { buildAndPlace } from './new-folder';
import { recoverArtifactsRoot, type RecoveryReport } from './recover';
import { diskError, diskErrorAt } from '../fs/disk-errors';
import { isoSeconds } from './time';

export type { TurnInput } from './records';

export interface ArtifactStoreOptions {
  /** The current workspace folder; read on every call so a settings change applies at once. */
  workspaceDir: () => string;
  /** Moves a folder to the OS trash; false (or absent) means this runtime has none. */
  trashItem?: (target: string) => Promise<boolean>;
  now?: () => Date;
  /** True when `--workspace` / `KILN_WORKSPACE` wins over the setting for this run. */
  workspaceOverridden?: boolean;
}

export interface DeleteResult {
  movedTo: 'os-trash' | 'workspace-trash';
  location: string | null;
}

/** The payload of `artifacts.changed`. */
export interface ArtifactsChanged {
  changes: ArtifactChange[];
  rescan?: true;
}

const MAX_NAME = 200;

/**
 * The anton-compatible artifact store (anton-format.md §1–2) and the one door to artifact
 * folders (`files`). Every write to one artifact runs in that artifact's queue, re-reading the
 * record from disk first, so concurrent updates never lose a field and keys Kiln doesn't know
 * survive; records that can't be read are listed as damaged and never written. Reads never
 * write. Every write emits one `artifacts.changed` change at once, saying who made it.
 */
export class ArtifactStore {
  /** Confined, checked access to the files inside artifact folders. */
  readonly files: ArtifactFiles;
  readonly workspaceOverridden: boolean;
  private readonly queue = new KeyedQueue();
  private readonly paths: ArtifactPaths;
  private readonly index: ListIndex;
  private readonly own = new OwnWrites();
  private readonly changed = new Emitter<ArtifactsChanged>();
  private readonly now: () => Date;

  constructor(private readonly options: ArtifactStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.workspaceOverridden = options.workspaceOverridden ?? false;
    this.paths = new ArtifactPaths(options.workspaceDir);
    this.index = new ListIndex(() => this.paths.root());
    this.files = new ArtifactFiles({ paths: this.paths, own: this.own, changed: (slug, rels, by) => this.filesChanged(slug, rels, by) });
  }

  /** `<workspace>/.anton/artifacts`. */
  root(): string {
    return this.paths.root();
  }

  workspace(): string {
    return this.paths.workspace();
  }

  /** Every change, once, as it happens. */
  onChanged(listener: (event: ArtifactsChanged) => void): Disposable {
    return this.changed.on(listener);
  }

  /** Tells listeners the whole list changed (the workspace moved): cached entries are dropped. */
  rescan(): void {
    this.index.invalidate();
    this.changed.fire({ changes: [], rescan: true });
  }

  /** Forgets cached list entries (all, or one folder) so the next list re-reads them. */
  invalidate(slug?: string): void {
    this.index.invalidate(slug);
  }

  /** True while a watcher covers the current root (outside changes then show live). */
  isWatched(): boolean {
    return this.index.isWatched();
  }

  /**
   * Called by the watcher: while `root` is watched, an unchanged list is served from memory.
   * A watch that starts after lists went out (it starts once the host is up) announces a
   * rescan, so a change made between such a list and the watch's start still shows.
   */
  setWatchedRoot(root: string | null): void {
    if (this.index.setWatchedRoot(root)) this.changed.fire({ changes: [], rescan: true });
  }

  // ── paths ────────────────────────────────────────────────────────────────────────────

  /** Absolute folder of an artifact; refuses odd names and links that leave the root. */
  dir(slug: string): Promise<string> {
    return this.paths.dir(slug);
  }

  /** Where an artifact's folder is, without touching the disk (the slug checked). */
  folderPath(slug: string): string {
    return this.paths.folderPath(slug);
  }

  /** Absolute path of a file inside an artifact; FORBIDDEN for anything that would leave it. */
  resolveFile(slug: string, relPath: string): Promise<string> {
    return this.paths.resolveFile(slug, relPath);
  }

  // ── reads (never write) ──────────────────────────────────────────────────────────────

  /** Every artifact folder, newest `updatedAt` first; damaged records included with a reason. */
  list(): Promise<ArtifactListItem[]> {
    return this.index.list();
  }

  /** The record with files[] as they are on disk now (computed in memory; nothing is saved). */
  async open(slug: string): Promise<ArtifactRecord> {
    const dir = await this.dir(slug);
    const record = await loadRecord(dir, slug);
    record.files = await recordFiles(dir, record.files);
    return record;
  }

  /** The record exactly as stored in metadata.json: cheap, for callers that need no files[]. */
  async read(slug: string): Promise<ArtifactRecord> {
    return loadRecord(await this.dir(slug), slug);
  }

  // ── the watcher's seam ───────────────────────────────────────────────────────────────

  /**
   * True when the path (`/` separated, `''` for the folder itself) is exactly as Kiln last
   * left it, so a watcher notice about it is the echo of Kiln's own write.
   */
  isOwnChange(slug: string, relPath: string): boolean {
    if (slugProblem(slug)) return false;
    const parts = relPath.split('/').filter((p) => p !== '');
    return this.own.isOwn(path.join(this.root(), slug, ...parts));
  }

  /**
   * A change Kiln didn't make (an editor, anton, a backend): reconciles files[] and the list
   * and emits one change `by: 'outside'`. Never throws.
   */
  async applyOutsideChange(slug: string, relPaths: string[]): Promise<void> {
    if (slugProblem(slug) || slug.startsWith('.')) return;
    const rels = relPaths.filter((p) => p === '' || (!isBackendLog(p) && !isPublishStateFile(p) && !isAtomicTempFile(path.posix.basename(p))));
    if (rels.length === 0) return;
    const known = this.index.knows(slug);
    try {
      const dir = await this.dir(slug).catch(() => null);
      if (!dir) {
        this.index.invalidate(slug);
        // A folder linked outside the root is still listed (damaged); a stray file is no artifact.
        const item = await this.index.item(slug);
        const gone = item === null && !(await fs.lstat(path.join(this.root(), slug)).catch(() => null));
        if (item) this.emit({ slug, kind: known ? 'record' : 'created', by: 'outside', item });
        else if (gone && (known || rels.includes(''))) this.emit({ slug, kind: 'removed', by: 'outside' });
        return;
      }
      const content = rels.filter((p) => p !== '' && isContentPath(p));
      const item = await this.queue.run(dir, () => this.reconcileIn(dir, slug));
      // `created` only for a folder that appeared; a change to its record alone is `record`.
      const onlyRecord = content.length === 0 && !rels.includes('');
      const kind = rels.includes('') && !known ? 'created' : onlyRecord ? 'record' : 'files';
      this.emit({ slug, kind, by: 'outside', ...(content.length > 0 ? { paths: content } : {}), ...(item ? { item } : {}) });
    } catch {
      // A folder that broke mid-way: the next list shows its state.
      this.index.invalidate(slug);
    }
  }

  // ── writes (each emits one change) ───────────────────────────────────────────────────

  /**
   * Brings files[] in line with the disk, saving only when they differ. Call it after an
   * outside change and before publishing. True when the record changed.
   */
  async reconcile(slug: string, by: ChangeAuthor = 'user'): Promise<boolean> {
    let dir: string;
    try {
      dir = await this.dir(slug);
    } catch {
      this.index.invalidate(slug);
      return false;
    }
    return this.queue.run(dir, async () => {
      const read = await readRecord(dir, slug);
      if (!read.ok) return false;
      const files = await recordFiles(dir, read.record.files);
      if (sameFiles(files, read.record.files)) return false;
      const item = await this.save(dir, read.record);
      this.emit({ slug, kind: 'files', by, item });
      return true;
    });
  }

  /**
   * A new artifact, placed atomically. With `seed`, the content files of `seed.source` (those
   * `seed.keep` allows) are in the folder before it appears; they are then announced as a
   * `files` change like any write.
   */
  async create(input: CreateArtifactInput, by: ChangeAuthor = 'user', seed?: { source: string; keep: (src: string) => boolean }): Promise<ArtifactRecord> {
    const parsed = createArtifactInputSchema.safeParse(input);
    if (!parsed.success) throw new KilnError('VALIDATION', `Can't create the artifact: ${describeZodError(parsed.error)}.`);
    const { type } = parsed.data;
    const trimmed = cleanName(parsed.data.name);
    const name = trimmed === '' ? baseSlug('') : trimmed;
    const primary = parsed.data.primary && parsed.data.primary.trim() !== '' ? normalizeRelPath(parsed.data.primary.trim()) : null;
    const id = newArtifactId();
    const stamp = isoSeconds(this.now());
    const record: ArtifactRecord = {
      schemaVersion: 1,
      id,
      slug: '',
      createdAt: stamp,
      updatedAt: stamp,
      name,
      description: parsed.data.description.trim(),
      type,
      primary,
      port: null,
      datasources: [],
      files: [],
      provenance: [],
    };
    let placed: { slug: string; dir: string; filled: string[] };
    try {
      placed = await buildAndPlace({ root: this.root(), paths: this.paths, own: this.own }, name, record, seed && ((tmp) => copyContent(seed.source, tmp, seed.keep)));
    } catch (error) {
      throw diskError(error, `create the artifact "${name}"`) ?? new KilnError('IO', `Could not create the artifact "${name}".`, (error as Error).message);
    }
    const { slug, dir, filled: seeded } = placed;
    const item = this.index.saved(dir, record);
    this.emit({ slug, kind: 'created', by, item });
    if (seeded.length > 0) await this.filesChanged(slug, seeded, by);
    return seeded.length > 0 ? this.read(slug) : record;
  }

  /** Changes only the given keys; `null`/blank clears primary and port, `[]` clears datasources. */
  async update(slug: string, patch: UpdateArtifactInput, by: ChangeAuthor = 'user'): Promise<ArtifactRecord> {
    const parsed = updateArtifactInputSchema.safeParse(patch);
    if (!parsed.success) throw new KilnError('VALIDATION', `Can't update "${slug}": ${describeZodError(parsed.error)}.`);
    const p = parsed.data;
    let primary: string | null | undefined;
    if (p.primary !== undefined) {
      if (p.primary === null || p.primary.trim() === '') primary = null;
      else {
        await this.resolveFile(slug, p.primary.trim());
        primary = normalizeRelPath(p.primary.trim());
      }
    }
    return this.changeRecord(slug, by, (record) => {
      if (primary !== undefined) record.primary = primary;
      if (p.port !== undefined) record.port = p.port;
      if (p.datasources !== undefined) record.datasources = p.datasources;
      if (p.description !== undefined) record.description = p.description.trim();
    });
  }

  /** Changes the human name only; the slug (and so every path and link) stays. */
  async rename(slug: string, name: string, by: ChangeAuthor = 'user'): Promise<ArtifactRecord> {
    const clean = typeof name === 'string' ? cleanName(name) : '';
    this.paths.folderPath(slug); // a bad slug is refused before a bad name is
    if (clean === '') throw new KilnError('VALIDATION', 'The new name is empty; type a name.');
    if (clean.length > MAX_NAME) throw new KilnError('VALIDATION', `The name is ${clean.length} characters long; keep it under ${MAX_NAME}.`);
    return this.changeRecord(slug, by, (record) => {
      record.name = clean;
    });
  }

  /** One provenance turn: the prompt (cut to 240 chars) and the files it touched. */
  async recordTurn(slug: string, turn: TurnInput, by: ChangeAuthor = 'agent'): Promise<ArtifactRecord> {
    if (!turn || typeof turn.conversation !== 'string' || turn.conversation === '' || !Number.isInteger(turn.index)) {
      throw new KilnError('VALIDATION', 'A provenance turn needs a conversation id and a whole-number index.');
    }
    return this.changeRecord(slug, by, (record) => applyTurn(record, turn, this.now()));
  }

  /** To the OS trash when the runtime has one, else to `<workspace>/.kiln/trash/`. Never erased. */
  async delete(slug: string, by: ChangeAuthor = 'user'): Promise<DeleteResult> {
    const dir = await this.paths.removable(slug);
    const result = await this.queue.run(dir, () => this.own.during([dir], () => this.trash(slug, dir)));
    this.index.invalidate(slug);
    this.emit({ slug, kind: 'removed', by });
    return result;
  }

  private async trash(slug: string, dir: string): Promise<DeleteResult> {
    // A link is moved by Kiln itself: an OS trash is never handed a path that leads elsewhere.
    const isLink = (await fs.lstat(dir)).isSymbolicLink();
    if (!isLink && this.options.trashItem && (await this.options.trashItem(dir).catch(() => false))) {
      return { movedTo: 'os-trash', location: null };
    }
    const trash = path.join(this.workspace(), '.kiln', 'trash');
    const target = path.join(trash, `${slug}-${this.now().toISOString().replace(/[:.]/g, '-')}`);
    try {
      await fs.mkdir(trash, { recursive: true });
      await fs.rename(dir, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw await trashError(slug, error, this.workspace());
      await fs.cp(dir, target, { recursive: true, verbatimSymlinks: true });
      await fs.rm(dir, { recursive: true });
    }
    return { movedTo: 'workspace-trash', location: target };
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  /** At start: finishes or removes what a crash left (create temp folders, stray temp files). */
  recoverAtStart(): Promise<RecoveryReport> {
    return recoverArtifactsRoot(this.root()).then((report) => {
      if (report.restored.length > 0 || report.removed > 0) this.rescan();
      return report;
    });
  }

  /** Load, change, save in the artifact's queue; one `record` change. */
  private async changeRecord(slug: string, by: ChangeAuthor, change: (record: ArtifactRecord) => void): Promise<ArtifactRecord> {
    const dir = await this.dir(slug);
    const { record, item } = await this.queue.run(dir, async () => {
      const r = await loadRecord(dir, slug);
      change(r);
      return { record: r, item: await this.save(dir, r) };
    });
    this.emit({ slug, kind: 'record', by, item });
    return record;
  }

  /** After the files service changed files: reconcile files[] and emit one `files` change. */
  private async filesChanged(slug: string, rels: string[], by: ChangeAuthor): Promise<void> {
    const dir = await this.dir(slug);
    const item = await this.queue.run(dir, () => this.reconcileIn(dir, slug));
    this.emit({ slug, kind: 'files', by, paths: rels, ...(item ? { item } : {}) });
  }

  /** files[] brought in line (saved when they differ); the list item, or null when gone. Runs in the queue. */
  private async reconcileIn(dir: string, slug: string): Promise<ArtifactListItem | null> {
    const read = await readRecord(dir, slug);
    if (read.ok) {
      const files = await recordFiles(dir, read.record.files);
      if (!sameFiles(files, read.record.files)) return this.save(dir, read.record);
    }
    this.index.invalidate(slug);
    return this.index.item(slug);
  }

  /** Reconciles files[], bumps updatedAt (except on create), writes metadata.json and README.md. */
  private async save(dir: string, record: ArtifactRecord, bump = true): Promise<ArtifactListItem> {
    record.files = await recordFiles(dir, record.files);
    if (bump) record.updatedAt = isoSeconds(this.now());
    await this.own.during(recordPaths(dir), () => writeRecord(dir, record));
    return this.index.saved(dir, record);
  }

  private emit(change: ArtifactChange): void {
    this.changed.fire({ changes: [change] });
  }
}

/** Why a move to the workspace trash failed, in words that say what to do (never a bare errno). */
async function trashError(slug: string, error: unknown, workspace: string): Promise<KilnError> {
  const disk = await diskErrorAt(error, `move "${slug}" to the trash`, workspace);
  if (disk) return disk;
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new KilnError('NOT_FOUND', `"${slug}" or the workspace folder it lives in is no longer on disk, so it could not be moved to the trash. Check that the workspace folder still exists (Settings → Workspace).`);
  }
  return new KilnError('IO', `Could not move "${slug}" to the trash.`, (error as Error).message);
}
