import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ArtifactStore } from './store';

export interface ArtifactWatcherOptions {
  /** Quiet time before a burst of changes is reported; the gallery should update within a second. */
  debounceMs?: number;
  /** How deep inside an artifact folder to watch (static/js/… of a fullstack app). */
  depth?: number;
}

/** Files whose churn says nothing about the artifact's content. */
const IGNORED_NAMES = new Set(['backend.log', '__pycache__', 'node_modules', '.venv', '.git']);

/**
 * Watches `<workspace>/.anton/artifacts` and turns file changes made by the agent, by anton's
 * CLI or by hand into `files[]` reconciliation plus one debounced change report. Restart it
 * (`restart()`) when the workspace changes; it re-roots itself.
 */
export class ArtifactWatcher {
  private watcher: FSWatcher | null = null;
  private watchedRoot: string | null = null;
  /** Changed artifacts; true when something besides the record files (metadata.json, README.md) changed. */
  private pending = new Map<string, boolean>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly depth: number;
  private stopped = false;

  constructor(
    private readonly store: ArtifactStore,
    private readonly report: (slugs: string[]) => void,
    options: ArtifactWatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 150;
    this.depth = options.depth ?? 8;
  }

  /** Starts (or re-roots) the watch; resolves once the initial scan is done. */
  async start(): Promise<void> {
    this.stopped = false;
    const root = this.store.root();
    if (this.watcher && this.watchedRoot === root) return;
    await this.closeWatcher();
    await mkdir(root, { recursive: true });
    const w = watch(root, {
      ignoreInitial: true,
      depth: this.depth,
      followSymlinks: false,
      ignored: (p: string) => {
        const base = path.basename(p);
        if (IGNORED_NAMES.has(base)) return true;
        return /^\..+\.tmp$/.test(base); // our own atomic-write temp files
      },
    });
    this.watcher = w;
    this.watchedRoot = root;
    w.on('all', (_event, changed) => this.onPath(root, changed));
    w.on('error', () => {
      // Keep watching the rest, but stop trusting the remembered list: an event may be lost.
      this.store.setWatchedRoot(null);
    });
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    if (this.watcher === w) this.store.setWatchedRoot(root);
  }

  /** Re-roots after a workspace change; the store forgets its cache of the old root. */
  async restart(): Promise<void> {
    if (this.stopped) return;
    this.store.invalidate();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    await this.closeWatcher();
    await this.flushing;
  }

  private async closeWatcher(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    this.watchedRoot = null;
    this.store.setWatchedRoot(null);
    if (w) await w.close();
  }

  private onPath(root: string, changed: string): void {
    const rel = path.relative(root, changed);
    if (rel === '' || rel.startsWith('..')) return;
    const parts = rel.split(path.sep);
    const slug = parts[0];
    if (!slug || slug.startsWith('.')) return;
    // The folder itself and its record files: when they are our own save's echo, skip them.
    const recordFile = parts.length === 1 || (parts.length === 2 && (parts[1] === 'metadata.json' || parts[1] === 'README.md'));
    // Stop serving the remembered list at once; the reconcile and the report follow.
    if (!recordFile) this.store.invalidate(slug);
    this.pending.set(slug, (this.pending.get(slug) ?? false) || !recordFile);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.debounceMs);
  }

  private async flush(): Promise<void> {
    const changed = [...this.pending];
    this.pending.clear();
    if (changed.length === 0 || this.stopped) return;
    const slugs: string[] = [];
    for (const [slug, content] of changed) {
      // The echo of Kiln's own save: the store already told everyone.
      if (!content && this.store.isOwnWrite(slug)) continue;
      slugs.push(slug);
      this.store.invalidate(slug);
      try {
        await this.store.reconcile(slug, false);
      } catch {
        // A folder that vanished or broke is reported anyway; the list shows its state.
      }
    }
    if (!this.stopped && slugs.length > 0) this.report(slugs);
  }
}
