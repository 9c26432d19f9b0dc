import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { subscribe, type AsyncSubscription, type Event } from '@parcel/watcher';
import { isAtomicTempFile, isBackendLog, isToolingDir, TOOLING_DIRS } from '../../../shared/artifacts/rules';
import { walkFiles } from './files';

/** What the watcher needs of the artifact store (the store ↔ watcher seam, team notes). */
export interface WatchedStore {
  /** `<workspace>/.anton/artifacts`; changes when the workspace does. */
  root(): string;
  /** While `root` is watched the store may serve lists from memory; `null` makes it re-check the disk. */
  setWatchedRoot(root: string | null): void;
  /** True when the path's state on disk is what Kiln itself last wrote there (`''` = the folder). */
  isOwnChange(slug: string, relPath: string): boolean;
  /** Reconciles the artifact and announces one `by: 'outside'` change; never throws for a vanished folder. */
  applyOutsideChange(slug: string, relPaths: string[]): Promise<void>;
}

export interface ArtifactWatcherOptions {
  /** Quiet time per artifact before its burst of changes is reported (the gallery updates within a second). */
  quietMs?: number;
  /** Longest an artifact's changes wait while it never goes quiet (a backend writing a file every 100 ms). */
  maxDelayMs?: number;
}

interface Batch {
  paths: Set<string>;
  /** The paths among them that were created (a new folder may need its own subscription). */
  created: Set<string>;
  quiet: NodeJS.Timeout;
  deadline: NodeJS.Timeout;
}

/** `.venv` → `\.[vV][eE][nN][vV]`: the native matcher takes no regex flags. */
function anyCase(name: string): string {
  return [...name]
    .map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
}

/**
 * The shared tooling folders as one pattern the native watcher matches against paths relative to
 * the root, so it neither walks nor watches a `.venv` or `node_modules` (`notice` filters with
 * `isToolingDir` too).
 */
const TOOLING_PATTERN = new RegExp(`(?:^|[\\\\/])(?:${TOOLING_DIRS.map(anyCase).join('|')})(?:[\\\\/]|$)`);

/**
 * Watches `<workspace>/.anton/artifacts` with one native recursive subscription (`@parcel/watcher`:
 * its start-up walk runs in C++ off the JS thread) and reports to the store, per artifact and after
 * a quiet period, the changes Kiln didn't make itself: the user's editor, anton, `run_python`, a
 * backend. Nothing starts in the constructor; `start()` resolves once changes are being seen.
 */
export class ArtifactWatcher {
  private subscription: AsyncSubscription | null = null;
  /** Extra subscriptions on folder trees below the root, by absolute path (see `catchUp` and `open`). */
  private readonly trees = new Map<string, AsyncSubscription>();
  /** Only when the native watcher could not start: the top level, so new and removed artifacts still show. */
  private fallback: FSWatcher | null = null;
  private watchedRoot: string | null = null;
  /**
   * The same folder with links resolved: events carry such paths on macOS (FSEvents), e.g.
   * `/private/var/…` for `/var/…`, so they are subscribed and read against it everywhere.
   */
  private diskRoot: string | null = null;
  private running = false;
  /** Bumped on every re-root and stop; notices and batches of an older generation are dropped. */
  private generation = 0;
  private readonly batches = new Map<string, Batch>();
  private reporting: Promise<void> = Promise.resolve();
  private lifecycle: Promise<void> = Promise.resolve();
  private readonly quietMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly store: WatchedStore,
    options: ArtifactWatcherOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 150;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
  }

  /** Starts watching the store's current root; resolves once changes are being seen. */
  start(): Promise<void> {
    return this.serially(() => this.open());
  }

  /** Re-roots after a workspace change (nothing when not started or already on that root). */
  restart(): Promise<void> {
    return this.serially(async () => {
      if (this.running) await this.open();
    });
  }

  /** Disposes the subscription and every pending timer; waits for a report under way. */
  stop(): Promise<void> {
    return this.serially(async () => {
      this.running = false;
      await this.close();
      await this.reporting;
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(step, step);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async open(): Promise<void> {
    this.running = true;
    const root = this.store.root();
    if (this.watchedRoot === root) return;
    await this.close();
    const generation = this.generation;
    await mkdir(root, { recursive: true });
    const disk = await realpath(root);
    try {
      this.subscription = await subscribe(disk, (error, events) => this.onEvents(generation, disk, error, events), {
        ignore: [TOOLING_PATTERN],
      });
      this.watchedRoot = root;
      this.diskRoot = disk;
      this.store.setWatchedRoot(root);
    } catch {
      // The native walk failed somewhere (a watch limit, a path longer than the OS allows): keep
      // watching what can be — the top level for new and removed artifacts, and each artifact
      // on its own — and let lists re-check the disk, since the broken part goes unseen.
      this.store.setWatchedRoot(null);
      this.fallback = fsWatch(disk, (type, name) => {
        if (name) this.notice(generation, disk, path.join(disk, name.toString()), type === 'rename' ? 'create' : 'update');
      });
      this.fallback.on('error', () => undefined); // already distrusted; the per-artifact subscriptions go on
      this.watchedRoot = root;
      this.diskRoot = disk;
      for (const e of await readdir(disk, { withFileTypes: true })) {
        if (e.isDirectory() && !e.name.startsWith('.')) await this.watchTree(generation, disk, path.join(disk, e.name));
      }
    }
  }

  private async close(): Promise<void> {
    this.generation++;
    for (const batch of this.batches.values()) {
      clearTimeout(batch.quiet);
      clearTimeout(batch.deadline);
    }
    this.batches.clear();
    const subscription = this.subscription;
    this.subscription = null;
    this.fallback?.close();
    this.fallback = null;
    if (this.watchedRoot !== null) this.store.setWatchedRoot(null);
    this.watchedRoot = null;
    this.diskRoot = null;
    const trees = [...this.trees.values()];
    this.trees.clear();
    await Promise.all([subscription, ...trees].map((s) => s?.unsubscribe().catch(() => undefined)));
  }

  private onEvents(generation: number, root: string, error: Error | null, events: Event[]): void {
    if (generation !== this.generation) return;
    // An error may mean lost notices: keep watching, but lists must stop trusting memory.
    if (error) this.store.setWatchedRoot(null);
    for (const e of events) {
      if (e.path === root) {
        if (e.type === 'delete') this.store.setWatchedRoot(null); // the whole root went away
        continue;
      }
      if (e.type === 'delete') this.dropTrees(e.path);
      this.notice(generation, root, e.path, e.type);
    }
  }

  private notice(generation: number, root: string, abs: string, type: Event['type'] = 'update'): void {
    if (generation !== this.generation) return;
    const rel = path.relative(root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
    const parts = rel.split(path.sep);
    const slug = parts[0]!;
    // The store lists no dot-folders at the root (its scan skips them), so they are no artifacts.
    if (slug.startsWith('.')) return;
    if (parts.some(isToolingDir) || isAtomicTempFile(parts[parts.length - 1]!)) return;
    const relPath = parts.slice(1).join('/');
    if (isBackendLog(relPath)) return;
    this.enqueue(slug, relPath, type === 'create');
  }

  private enqueue(slug: string, relPath: string, created: boolean): void {
    let batch = this.batches.get(slug);
    if (batch) batch.quiet.refresh();
    else {
      batch = {
        paths: new Set(),
        created: new Set(),
        quiet: setTimeout(() => this.flush(slug), this.quietMs),
        deadline: setTimeout(() => this.flush(slug), this.maxDelayMs),
      };
      this.batches.set(slug, batch);
    }
    batch.paths.add(relPath);
    if (created) batch.created.add(relPath);
  }

  private flush(slug: string): void {
    const batch = this.batches.get(slug);
    if (!batch) return;
    this.batches.delete(slug);
    clearTimeout(batch.quiet);
    clearTimeout(batch.deadline);
    const generation = this.generation;
    const root = this.diskRoot;
    this.reporting = this.reporting.then(async () => {
      const inNewFolders = root === null ? [] : await this.catchUp(generation, root, slug, [...batch.created]);
      await this.report(generation, slug, [...new Set([...batch.paths, ...inNewFolders])]);
    });
  }

  /** Runs after the quiet period, so "is this Kiln's own write" is asked of the settled disk. */
  private async report(generation: number, slug: string, relPaths: string[]): Promise<void> {
    if (generation !== this.generation) return;
    const outside = relPaths.filter((p) => !this.isOwn(slug, p)).sort();
    if (outside.length === 0) return;
    try {
      await this.store.applyOutsideChange(slug, outside);
    } catch {
      // The store promises not to throw; if it does, later changes must still be reported.
    }
  }

  private isOwn(slug: string, relPath: string): boolean {
    try {
      return this.store.isOwnChange(slug, relPath);
    } catch {
      return false; // unsure: reporting twice is better than missing an outside edit
    }
  }

  /**
   * New folders, once settled. inotify is not recursive: in a folder tree made in one go
   * (`mkdir -p`, `cp -r`, unzip) files and subfolders can appear before the native watcher has
   * added a watch on their parent (parcel-bundler/watcher#97, #243). So the files already in each
   * new folder are listed here (their own notices may never come), and on Linux a new folder that
   * has subfolders gets its own subscription, whose walk watches all of them; changes made after
   * that are seen. macOS and Windows watch recursively in the OS.
   */
  private async catchUp(generation: number, root: string, slug: string, created: string[]): Promise<string[]> {
    const inside = (outer: string, inner: string) => inner !== outer && (outer === '' || inner.startsWith(`${outer}/`));
    const tops = created.filter((rel) => !created.some((other) => inside(other, rel)));
    const found: string[] = [];
    for (const rel of tops) {
      const artifactDir = path.join(root, slug);
      const abs = path.join(artifactDir, ...rel.split('/').filter((p) => p !== ''));
      const entries = await readdir(abs, { withFileTypes: true }).catch(() => null);
      if (!entries) continue; // a file, or already gone
      for (const f of await walkFiles(artifactDir, rel)) if (!isBackendLog(f.path)) found.push(f.path);
      const nested = entries.some((e) => e.isDirectory() && !isToolingDir(e.name));
      // Without the root subscription (see `open`) a new artifact folder needs its own.
      const uncovered = this.subscription === null && rel === '';
      if ((nested && process.platform === 'linux') || uncovered) await this.watchTree(generation, root, abs);
    }
    return found;
  }

  /** One more native subscription, on a folder tree below the root. */
  private async watchTree(generation: number, root: string, abs: string): Promise<void> {
    if (generation !== this.generation || this.diskRoot !== root) return;
    this.dropTrees(abs);
    try {
      const tree = await subscribe(abs, (error, events) => this.onEvents(generation, root, error, events), { ignore: [TOOLING_PATTERN] });
      if (generation === this.generation) this.trees.set(abs, tree);
      else await tree.unsubscribe().catch(() => undefined);
    } catch {
      this.store.setWatchedRoot(null); // part of the tree is unwatched: lists must re-check the disk
    }
  }

  /** Ends the extra subscriptions on a removed folder and below it. */
  private dropTrees(abs: string): void {
    for (const [dir, tree] of this.trees) {
      if (dir !== abs && !dir.startsWith(abs + path.sep)) continue;
      this.trees.delete(dir);
      void tree.unsubscribe().catch(() => undefined);
    }
  }
}
