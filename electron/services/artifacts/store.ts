import { KeyedQueue } from '../concurrency/keyed-queue';
import { lstatSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  createArtifactInputSchema,
  updateArtifactInputSchema,
  type ArtifactListItem,
  type ArtifactRecord,
  type CreateArtifactInput,
  type UpdateArtifactInput,
} from '../../../shared/contract/artifacts';
import { describeZodError, KilnError } from '../../../shared/contract/core';
import { writeFileAtomic } from '../fs/atomic-write';
import { checkSlugShape, isInside, normalizeRelPath, realpathOfExisting } from './confine';
import { sameFiles, walkFiles } from './files';
import { renderReadme } from './readme';
import { MAX_METADATA_BYTES, parseRecord, serializeRecord, type ParseResult } from './record';
import { baseSlug, newArtifactId, slugFor } from './slug';
import { isoSeconds, timeValue } from './time';

export interface ArtifactStoreOptions {
  /** The current workspace folder; read on every call so a settings change applies at once. */
  workspaceDir: () => string;
  /** Moves a folder to the OS trash; false (or absent) means this runtime has none. */
  trashItem?: (target: string) => Promise<boolean>;
  now?: () => Date;
  /** True when `--workspace` / `KILN_WORKSPACE` wins over the setting for this run. */
  workspaceOverridden?: boolean;
}

export interface TurnInput {
  conversation: string;
  title?: string | null;
  index: number;
  timestamp?: string;
  prompt: string;
  filesTouched: readonly string[];
}

export interface DeleteResult {
  movedTo: 'os-trash' | 'workspace-trash';
  location: string | null;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  ino: number;
  item: ArtifactListItem;
}

const MAX_NAME = 200;
const SUMMARY_LIMIT = 240;

/**
 * The anton-compatible artifact store (anton-format.md §1–2). Every write to one artifact
 * runs in that artifact's queue, re-reading the record from disk first, so concurrent
 * updates never lose a field and keys Kiln doesn't know survive. Records that can't be read
 * are listed as damaged and never written.
 */
export class ArtifactStore {
  /** Writes to one artifact folder run one at a time (no lost fields from concurrent updates). */
  private readonly queue = new KeyedQueue();
  /** List items by absolute folder, valid while metadata.json's stat signature holds. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly listeners = new Set<(slugs: string[]) => void>();
  /**
   * The last full list, trusted without any disk access while a watcher covers the root
   * (it invalidates on every change); without a watcher each list re-checks every record's stat.
   */
  private listCache: { root: string; items: ArtifactListItem[] } | null = null;
  private watchedRoot: string | null = null;
  /** metadata.json stat signature after each of our own saves, so the watcher can skip its echo. */
  private readonly ownWrites = new Map<string, string>();
  private readonly now: () => Date;
  readonly workspaceOverridden: boolean;

  constructor(private readonly options: ArtifactStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.workspaceOverridden = options.workspaceOverridden ?? false;
  }

  /** `<workspace>/.anton/artifacts`. */
  root(): string {
    return path.join(this.options.workspaceDir(), '.anton', 'artifacts');
  }

  workspace(): string {
    return this.options.workspaceDir();
  }

  onChanged(listener: (slugs: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners (the watcher's event, the renderer) that these artifacts changed. */
  notify(slugs: string[]): void {
    if (slugs.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(slugs);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** Forgets cached list entries (all, or one folder) so the next list re-reads them. */
  invalidate(slug?: string): void {
    this.listCache = null;
    if (slug === undefined) this.cache.clear();
    else this.cache.delete(path.join(this.root(), slug));
  }

  /** True when an artifact's metadata.json is still exactly what this store last wrote. */
  isOwnWrite(slug: string): boolean {
    const dir = path.join(this.root(), slug);
    const mine = this.ownWrites.get(dir);
    if (!mine) return false;
    const st = lstatSync(path.join(dir, 'metadata.json'), { throwIfNoEntry: false });
    return st !== undefined && signature(st) === mine;
  }

  /** Called by the watcher: while `root` is watched, an unchanged list is served from memory. */
  setWatchedRoot(root: string | null): void {
    this.watchedRoot = root;
    this.listCache = null;
  }

  // ── paths ────────────────────────────────────────────────────────────────────────────

  /** Absolute folder of an artifact; refuses odd names and links that leave the root. */
  async dir(slug: string): Promise<string> {
    checkSlugShape(slug);
    const root = this.root();
    const abs = path.join(root, slug);
    let st;
    try {
      st = await fs.lstat(abs);
    } catch {
      throw new KilnError('NOT_FOUND', `There is no artifact "${slug}" in ${root}.`);
    }
    if (st.isSymbolicLink()) {
      const [realRoot, real] = await Promise.all([realpathOfExisting(root), realpathOfExisting(abs)]);
      if (!isInside(realRoot, real) || real === realRoot) {
        throw new KilnError('FORBIDDEN', `The artifact folder "${slug}" is a link to a place outside the artifacts folder; Kiln will not use it.`);
      }
      const target = await fs.stat(abs).catch(() => null);
      if (!target?.isDirectory()) throw new KilnError('NOT_FOUND', `The artifact folder "${slug}" is a broken link.`);
      return abs;
    }
    if (!st.isDirectory()) throw new KilnError('NOT_FOUND', `"${slug}" is not an artifact folder.`);
    return abs;
  }

  /** Absolute path of a file inside an artifact; FORBIDDEN for anything that would leave it. */
  async resolveFile(slug: string, relPath: string): Promise<string> {
    const dir = await this.dir(slug);
    const rel = normalizeRelPath(relPath);
    const abs = path.join(dir, ...rel.split('/'));
    const [realDir, real] = await Promise.all([fs.realpath(dir), realpathOfExisting(abs)]);
    if (!isInside(realDir, real) || real === realDir) {
      throw new KilnError('FORBIDDEN', `"${relPath.slice(0, 120)}" leads outside the artifact "${slug}".`);
    }
    return abs;
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────

  /** Every artifact folder, newest `updatedAt` first; damaged records included with a reason. */
  async list(): Promise<ArtifactListItem[]> {
    const root = this.root();
    if (this.listCache && this.listCache.root === root && this.watchedRoot === root) {
      return this.listCache.items.map((i) => ({ ...i }));
    }
    const items = await this.scan(root);
    this.listCache = { root, items };
    return items.map((i) => ({ ...i }));
  }

  private async scan(root: string): Promise<ArtifactListItem[]> {
    let entries;
    try {
      entries = await fs.readdir(root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KilnError('IO', `Could not read the artifacts folder ${root}.`, (error as Error).message);
    }
    let realRoot: string | null = null;
    const seen = new Set<string>();
    // Cache hits are answered synchronously; only new or changed records cost a promise.
    const items: (ArtifactListItem | Promise<ArtifactListItem | null>)[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(root, e.name);
      seen.add(abs);
      if (e.isDirectory()) {
        items.push(this.cachedItem(abs) ?? this.itemFor(abs, e.name));
        continue;
      }
      if (!e.isSymbolicLink()) continue;
      items.push(
        (async () => {
          realRoot ??= await realpathOfExisting(root);
          const real = await realpathOfExisting(abs);
          if (!isInside(realRoot, real) || real === realRoot) {
            return this.damagedItem(abs, e.name, 'This folder is a link to a place outside the artifacts folder; Kiln will not read it.');
          }
          const st = await fs.stat(abs).catch(() => null);
          if (!st?.isDirectory()) return this.damagedItem(abs, e.name, 'This folder is a broken link.');
          return this.itemFor(abs, e.name);
        })(),
      );
    }
    for (const key of this.cache.keys()) if (path.dirname(key) === root && !seen.has(key)) this.cache.delete(key);
    const resolved = await Promise.all(items);
    const list = resolved.filter((i): i is ArtifactListItem => i !== null);
    const keys = new Map(list.map((i) => [i, [timeValue(i.updatedAt), timeValue(i.createdAt)] as const]));
    list.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      return kb[0] - ka[0] || kb[1] - ka[1] || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
    });
    return list;
  }

  /** The record with files[] reconciled against the disk (persisted only if they changed). */
  async open(slug: string): Promise<ArtifactRecord> {
    const dir = await this.dir(slug);
    return this.queue.run(dir, async () => {
      const record = await this.load(dir, slug);
      const files = await walkFiles(dir);
      if (sameFiles(files, record.files)) return record;
      record.files = files;
      return this.save(dir, record);
    });
  }

  /**
   * Like open, for the watcher: quietly skips damaged or vanished records. True if files
   * changed. `notify: false` when the caller reports the change itself.
   */
  async reconcile(slug: string, notify = true): Promise<boolean> {
    let dir: string;
    try {
      dir = await this.dir(slug);
    } catch {
      this.invalidate(slug);
      return false;
    }
    return this.queue.run(dir, async () => {
      const read = await this.readRecord(dir, slug);
      if (!read.ok) return false;
      const files = await walkFiles(dir);
      if (sameFiles(files, read.record.files)) return false;
      read.record.files = files;
      await this.save(dir, read.record, true, notify);
      return true;
    });
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────

  async create(input: CreateArtifactInput): Promise<ArtifactRecord> {
    const parsed = createArtifactInputSchema.safeParse(input);
    if (!parsed.success) throw new KilnError('VALIDATION', `Can't create the artifact: ${describeZodError(parsed.error)}.`);
    const { type } = parsed.data;
    const trimmed = cleanName(parsed.data.name);
    const name = trimmed === '' ? baseSlug('') : trimmed;
    const primary = parsed.data.primary && parsed.data.primary.trim() !== '' ? normalizeRelPath(parsed.data.primary.trim()) : null;
    const root = this.root();
    await fs.mkdir(root, { recursive: true });
    const id = newArtifactId();
    const base = slugFor(name, id);
    let slug = base;
    for (let n = 2; ; n++) {
      try {
        await fs.mkdir(path.join(root, slug));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw error;
        slug = `${base}-${n}`;
      }
    }
    const dir = path.join(root, slug);
    const stamp = isoSeconds(this.now());
    const record: ArtifactRecord = {
      schemaVersion: 1,
      id,
      slug,
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
    try {
      return await this.queue.run(dir, () => this.save(dir, record, false));
    } catch (error) {
      // The folder is brand new and ours: don't leave a half-made artifact behind.
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new KilnError('IO', `Could not create the artifact "${name}".`, (error as Error).message);
    }
  }

  /** Changes only the given keys; `null`/blank clears primary and port, `[]` clears datasources. */
  async update(slug: string, patch: UpdateArtifactInput): Promise<ArtifactRecord> {
    const parsed = updateArtifactInputSchema.safeParse(patch);
    if (!parsed.success) throw new KilnError('VALIDATION', `Can't update "${slug}": ${describeZodError(parsed.error)}.`);
    const p = parsed.data;
    const dir = await this.dir(slug);
    let primary: string | null | undefined;
    if (p.primary !== undefined) {
      if (p.primary === null || p.primary.trim() === '') primary = null;
      else {
        await this.resolveFile(slug, p.primary.trim());
        primary = normalizeRelPath(p.primary.trim());
      }
    }
    return this.queue.run(dir, async () => {
      const record = await this.load(dir, slug);
      if (primary !== undefined) record.primary = primary;
      if (p.port !== undefined) record.port = p.port;
      if (p.datasources !== undefined) record.datasources = p.datasources;
      return this.save(dir, record);
    });
  }

  /** Changes the human name only; the slug (and so every path and link) stays. */
  async rename(slug: string, name: string): Promise<ArtifactRecord> {
    const clean = typeof name === 'string' ? cleanName(name) : '';
    if (clean === '') throw new KilnError('VALIDATION', 'The new name is empty; type a name.');
    if (clean.length > MAX_NAME) throw new KilnError('VALIDATION', `The name is ${clean.length} characters long; keep it under ${MAX_NAME}.`);
    const dir = await this.dir(slug);
    return this.queue.run(dir, async () => {
      const record = await this.load(dir, slug);
      record.name = clean;
      return this.save(dir, record);
    });
  }

  /** One provenance turn: the prompt (cut to 240 chars) and the files it touched. */
  async recordTurn(slug: string, turn: TurnInput): Promise<ArtifactRecord> {
    if (!turn || typeof turn.conversation !== 'string' || turn.conversation === '' || !Number.isInteger(turn.index)) {
      throw new KilnError('VALIDATION', 'A provenance turn needs a conversation id and a whole-number index.');
    }
    const dir = await this.dir(slug);
    return this.queue.run(dir, async () => {
      const record = await this.load(dir, slug);
      let entry = record.provenance.find((p) => p.conversation === turn.conversation);
      if (!entry) {
        entry = { conversation: turn.conversation, title: turn.title ?? null, turns: [] };
        record.provenance.push(entry);
      } else if (turn.title) {
        entry.title = turn.title;
      }
      const prompt = turn.prompt.trim();
      const summary = [...prompt].length > SUMMARY_LIMIT ? `${[...prompt].slice(0, SUMMARY_LIMIT - 1).join('')}…` : prompt;
      const files_touched = [...new Set(turn.filesTouched.map((f) => f.replace(/\\/g, '/')))].sort();
      const t = { index: turn.index, timestamp: turn.timestamp ?? isoSeconds(this.now()), summary, files_touched };
      const at = entry.turns.findIndex((x) => x.index === turn.index);
      if (at >= 0) entry.turns[at] = { ...entry.turns[at], ...t };
      else entry.turns.push(t);
      return this.save(dir, record);
    });
  }

  /** To the OS trash when the runtime has one, else to `<workspace>/.kiln/trash/`. Never erased. */
  async delete(slug: string): Promise<DeleteResult> {
    const dir = await this.dir(slug);
    const result = await this.queue.run(dir, async (): Promise<DeleteResult> => {
      if (this.options.trashItem && (await this.options.trashItem(dir).catch(() => false))) {
        return { movedTo: 'os-trash', location: null };
      }
      const trash = path.join(this.workspace(), '.kiln', 'trash');
      await fs.mkdir(trash, { recursive: true });
      const target = path.join(trash, `${slug}-${this.now().toISOString().replace(/[:.]/g, '-')}`);
      try {
        await fs.rename(dir, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') {
          throw new KilnError('IO', `Could not move "${slug}" to the trash.`, (error as Error).message);
        }
        await fs.cp(dir, target, { recursive: true, verbatimSymlinks: true });
        await fs.rm(dir, { recursive: true });
      }
      return { movedTo: 'workspace-trash', location: target };
    });
    this.cache.delete(dir);
    this.listCache = null;
    this.notify([slug]);
    return result;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────



  private async readRecord(dir: string, folderName: string): Promise<ParseResult> {
    const file = path.join(dir, 'metadata.json');
    let st;
    try {
      st = await fs.lstat(file);
    } catch {
      return { ok: false, reason: 'There is no metadata.json in this folder.' };
    }
    if (st.isSymbolicLink()) return { ok: false, reason: 'metadata.json is a link; Kiln only reads a real file.' };
    if (!st.isFile()) return { ok: false, reason: 'metadata.json is not a regular file.' };
    if (st.size > MAX_METADATA_BYTES) {
      return { ok: false, reason: `metadata.json is ${(st.size / 1048576).toFixed(1)} MB, more than the ${MAX_METADATA_BYTES / 1048576} MB a record can be.` };
    }
    let raw: string;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch (error) {
      return { ok: false, reason: `metadata.json can't be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
    }
    return parseRecord(raw, folderName);
  }

  private async load(dir: string, slug: string): Promise<ArtifactRecord> {
    const read = await this.readRecord(dir, slug);
    if (!read.ok) {
      throw new KilnError('CONFLICT', `The record of "${slug}" is damaged, so Kiln leaves it untouched. Fix or replace its metadata.json.`, read.reason);
    }
    return read.record;
  }

  /**
   * Reconciles files[], bumps updatedAt (except on create), writes metadata.json, then
   * README.md.
   */
  private async save(dir: string, record: ArtifactRecord, bump = true, notify = true): Promise<ArtifactRecord> {
    record.files = await walkFiles(dir);
    if (bump) record.updatedAt = isoSeconds(this.now());
    record.schemaVersion ??= 1;
    await writeFileAtomic(path.join(dir, 'metadata.json'), serializeRecord(record));
    const st = lstatSync(path.join(dir, 'metadata.json'), { throwIfNoEntry: false });
    if (st) this.ownWrites.set(dir, signature(st));
    await writeFileAtomic(path.join(dir, 'README.md'), renderReadme(record));
    this.cache.delete(dir);
    this.listCache = null;
    if (notify) this.notify([path.basename(dir)]);
    return record;
  }

  /**
   * The cached item when metadata.json's stat signature is unchanged. One synchronous lstat:
   * microseconds, and far cheaper than 2,000 round trips through libuv's thread pool
   * (see bench/artifact-list.ts).
   */
  private cachedItem(abs: string): ArtifactListItem | null {
    const hit = this.cache.get(abs);
    if (!hit) return null;
    let st;
    try {
      st = lstatSync(path.join(abs, 'metadata.json'), { throwIfNoEntry: false });
    } catch {
      return null;
    }
    return st && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino ? hit.item : null;
  }

  private async itemFor(abs: string, name: string): Promise<ArtifactListItem> {
    const file = path.join(abs, 'metadata.json');
    const st = await fs.lstat(file).catch(() => null);
    const read = await this.readRecord(abs, name);
    if (!read.ok) return this.damagedItem(abs, name, read.reason);
    const r = read.record;
    const item: ArtifactListItem = {
      slug: name,
      id: r.id,
      name: r.name,
      description: r.description,
      type: r.type,
      primary: r.primary,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      fileCount: r.files.length,
    };
    if (st) this.cache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, item });
    return item;
  }

  private async damagedItem(abs: string, name: string, reason: string): Promise<ArtifactListItem> {
    const st = await fs.lstat(abs).catch(() => null);
    return {
      slug: name,
      id: null,
      name,
      description: '',
      type: null,
      primary: null,
      createdAt: null,
      updatedAt: isoSeconds(st ? st.mtime : new Date(0)),
      fileCount: 0,
      damaged: { reason },
    };
  }
}

function signature(st: { mtimeMs: number; size: number; ino: number }): string {
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

/** Trimmed, with control characters (which would break a README line) removed. */
function cleanName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}
