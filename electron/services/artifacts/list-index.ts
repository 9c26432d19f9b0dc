import { lstatSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { METADATA_FILE } from '../../../shared/artifacts/rules';
import type { ArtifactListItem, ArtifactRecord } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import { concurrency } from '../fs/concurrency';
import { isInside, realpathOfExisting } from './confine';
import { listItem, sortListItems } from '../../../shared/artifacts/list-items';
import { slugProblem } from '../../../shared/artifacts/rules';
import { damagedItem, readRecord } from './records';

interface CacheEntry {
  mtimeMs: number;
  size: number;
  ino: number;
  item: ArtifactListItem;
}

/** Records read at once on a cold list (see `concurrency`: more only raises the memory peak). */
const READS_AT_ONCE = 16;

const OUTSIDE = 'This folder is a link to a place outside the artifacts folder; Kiln will not read it.';

/**
 * The gallery list: a scan of the artifacts root, with each item cached while its
 * metadata.json's stat signature holds. While a watcher covers the root, the last full list
 * is served from memory (the store drops it on every change it makes or is told of).
 */
export class ListIndex {
  /** List items by absolute folder, valid while metadata.json's stat signature holds. */
  private readonly cache = new Map<string, CacheEntry>();
  private listCache: { root: string; items: ArtifactListItem[] } | null = null;
  private watchedRoot: string | null = null;
  /** Bumped whenever memory may no longer match the disk; a scan that saw a bump isn't kept. */
  private epoch = 0;
  /** A list went out while no watcher covered the root: when one starts, listeners must re-list. */
  private servedUnwatched = false;

  constructor(private readonly root: () => string) {}

  /** True while a watcher covers the current root. */
  isWatched(): boolean {
    return this.watchedRoot !== null && this.watchedRoot === this.root();
  }

  /**
   * Returns true when lists were served before this watch began: they may miss a change made
   * between their scan and the watcher's start (no notice will ever come for it), so whoever
   * showed them should list again.
   */
  setWatchedRoot(root: string | null): boolean {
    this.watchedRoot = root;
    this.listCache = null;
    this.epoch++;
    const stale = root !== null && this.servedUnwatched;
    if (root !== null) this.servedUnwatched = false;
    return stale;
  }

  /** Forgets cached entries (all, or one folder) so the next list re-reads them. */
  invalidate(slug?: string): void {
    this.listCache = null;
    this.epoch++;
    if (slug === undefined) this.cache.clear();
    else this.cache.delete(path.join(this.root(), slug));
  }

  /** True when the last scan (or a write since) saw this folder. */
  knows(slug: string): boolean {
    return this.cache.has(path.join(this.root(), slug));
  }

  /** Every artifact folder, newest `updatedAt` first; damaged records included with a reason. */
  async list(): Promise<ArtifactListItem[]> {
    const root = this.root();
    if (this.listCache && this.listCache.root === root && this.watchedRoot === root) {
      return this.listCache.items.map((i) => ({ ...i }));
    }
    // Served from memory later only if a watcher covered the root for the whole scan and nothing
    // was invalidated meanwhile; otherwise a change during the scan could be missed for good.
    const epoch = this.epoch;
    const watched = this.watchedRoot === root;
    // Marked before the scan: a watcher that starts while it runs must still announce a rescan.
    if (!watched) this.servedUnwatched = true;
    const items = await this.scan(root);
    if (watched && epoch === this.epoch) this.listCache = { root, items };
    return items.map((i) => ({ ...i }));
  }

  /** The entry after Kiln saved `record` into `dir` (cached against the file just written). */
  saved(dir: string, record: ArtifactRecord): ArtifactListItem {
    const item = listItem(path.basename(dir), record);
    this.remember(dir, item);
    this.listCache = null;
    this.epoch++;
    return { ...item };
  }

  /** A fresh entry for one folder (cached when unchanged); null when the folder is gone. */
  async item(slug: string): Promise<ArtifactListItem | null> {
    const abs = path.join(this.root(), slug);
    this.listCache = null;
    this.epoch++;
    const st = await fs.lstat(abs).catch(() => null);
    if (!st) {
      this.cache.delete(abs);
      return null;
    }
    if (st.isSymbolicLink()) return this.linkedItem(this.root(), abs, slug);
    if (!st.isDirectory()) return null;
    return { ...(this.cachedItem(abs) ?? (await this.itemFor(abs, slug))) };
  }

  private async scan(root: string): Promise<ArtifactListItem[]> {
    let entries;
    try {
      entries = await fs.readdir(root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KilnError('IO', `Could not read the artifacts folder ${root}.`, (error as Error).message);
    }
    const seen = new Set<string>();
    const limit = concurrency(READS_AT_ONCE);
    // Cache hits are answered synchronously; only new or changed records cost a promise.
    const items: (ArtifactListItem | Promise<ArtifactListItem | null>)[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = path.join(root, e.name);
      seen.add(abs);
      if (!e.isDirectory() && !e.isSymbolicLink()) continue; // a stray file is no artifact
      const problem = slugProblem(e.name);
      // A name the slug rule refuses (a backslash, over 255 bytes) is listed, never opened.
      if (problem) items.push(this.damaged(abs, e.name, `Kiln can't open this folder: its name ${problem}. Rename the folder.`));
      else if (e.isDirectory()) items.push(this.cachedItem(abs) ?? limit(() => this.itemFor(abs, e.name)));
      else if (e.isSymbolicLink()) items.push(limit(() => this.linkedItem(root, abs, e.name)));
    }
    for (const key of this.cache.keys()) if (path.dirname(key) === root && !seen.has(key)) this.cache.delete(key);
    const resolved = await Promise.all(items);
    const list = resolved.filter((i): i is ArtifactListItem => i !== null);
    return sortListItems(list);
  }

  private async linkedItem(root: string, abs: string, name: string): Promise<ArtifactListItem> {
    const [realRoot, real] = await Promise.all([realpathOfExisting(root), realpathOfExisting(abs)]);
    if (!isInside(realRoot, real) || real === realRoot) return this.damaged(abs, name, OUTSIDE);
    const st = await fs.stat(abs).catch(() => null);
    if (!st?.isDirectory()) return this.damaged(abs, name, 'This folder is a broken link.');
    return this.itemFor(abs, name);
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
      st = lstatSync(path.join(abs, METADATA_FILE), { throwIfNoEntry: false });
    } catch {
      return null;
    }
    return st && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino ? hit.item : null;
  }

  private async itemFor(abs: string, name: string): Promise<ArtifactListItem> {
    // Stat before reading: a change during the read then shows as a stale signature.
    const st = await fs.lstat(path.join(abs, METADATA_FILE)).catch(() => undefined);
    const read = await readRecord(abs, name, { remember: false });
    if (!read.ok) return this.damaged(abs, name, read.reason);
    const item = listItem(name, read.record);
    this.remember(abs, item, st);
    return item;
  }

  private remember(abs: string, item: ArtifactListItem, stat?: { mtimeMs: number; size: number; ino: number }): void {
    const st = stat ?? lstatSync(path.join(abs, METADATA_FILE), { throwIfNoEntry: false });
    if (st) this.cache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, item });
    else this.cache.delete(abs);
  }

  private async damaged(abs: string, name: string, reason: string): Promise<ArtifactListItem> {
    const st = await fs.lstat(abs).catch(() => null);
    this.cache.delete(abs);
    return damagedItem(name, reason, st ? st.mtime : null);
  }
}
