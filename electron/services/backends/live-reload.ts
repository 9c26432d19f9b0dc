import { promises as fs } from 'node:fs';
import type { ArtifactChange } from '../../../shared/contract/artifacts';
import type { BackendStatus } from '../../../shared/contract/backends';
import type { Disposable } from '../../../shared/lib/emitter';
import { isBackendFile } from '../../../shared/preview/live-files';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/** What live reload needs from the backends supervisor. */
export interface LiveBackends {
  status(slug: string): BackendStatus;
  liveRestart(slug: string): Promise<BackendStatus>;
  /** Stops the artifact's spare interpreter (backends/spare.ts): live reload is off. */
  dropSpare?(slug: string): Promise<void>;
}

export interface LiveReloadOptions {
  /** The artifact store's change feed (every write by Kiln, every outside change the watcher saw). */
  onChanged(listener: (event: { changes: ArtifactChange[] }) => void): Disposable;
  backends: LiveBackends;
  /** `<ws>/.kiln/state/live-reload.json`: the artifacts whose live reload the user turned off. */
  stateFile: () => string;
  /** Quiet time after the last backend-file change before the restart (a burst restarts once). */
  debounceMs?: number;
}

/**
 * The default quiet time. A door write or a watcher batch arrives as one change event (the
 * watcher already waits 150 ms for an editor's burst to settle), and the agent's writes are a
 * model round trip apart, so 10 ms only has to merge events of the same moment (a checkpoint
 * restore). Every millisecond here is added to each live restart (bench/live-preview.ts).
 */
export const BACKEND_QUIET_MS = 10;


interface Pending {
  timer: NodeJS.Timeout;
  done: Promise<BackendStatus | null>;
  resolve: (s: BackendStatus | null) => void;
}

/**
 * Restarts a running backend when its code changes (the agent's writes and an outside editor's
 * alike), once per burst, on the same preview origin (`BackendSupervisor.liveRestart`). Also
 * keeps the per-artifact "Live reload" switch, which the preview pane reads for static reloads.
 */
export class LiveReload {
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Map<string, Promise<BackendStatus | null>>();
  private off: Set<string> | null = null;
  private offFile = '';
  private readonly sub: Disposable;
  private readonly debounceMs: number;

  constructor(private readonly o: LiveReloadOptions) {
    this.debounceMs = o.debounceMs ?? BACKEND_QUIET_MS;
    this.sub = o.onChanged(({ changes }) => {
      for (const c of changes) {
        if (c.kind === 'files' && c.paths?.some(isBackendFile)) this.schedule(c.slug);
      }
    });
    void this.offSet();
  }

  dispose(): void {
    this.sub.dispose();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  async enabled(slug: string): Promise<boolean> {
    return !(await this.offSet()).has(slug);
  }

  /** Turns live reload on or off for one artifact (remembered in the workspace). */
  async setEnabled(slug: string, on: boolean): Promise<boolean> {
    const off = await this.offSet();
    if (on) off.delete(slug);
    else {
      off.add(slug);
      void this.o.backends.dropSpare?.(slug).catch(() => undefined);
    }
    const file = this.o.stateFile();
    await writeStateFile(file, toPrettyJson({ off: [...off].sort() }));
    return on;
  }

  /**
   * After the agent wrote `rel`: the outcome of the restart that write caused (waits for it),
   * or null when it caused none (not a backend file, backend not running, live reload off).
   */
  async afterWrite(slug: string, rel: string): Promise<BackendStatus | null> {
    if (!isBackendFile(rel)) return null;
    const waiting = this.pending.get(slug)?.done ?? this.inFlight.get(slug);
    return waiting ? waiting : null;
  }

  private schedule(slug: string): void {
    if (this.o.backends.status(slug).state !== 'running' || this.off?.has(slug)) return;
    const existing = this.pending.get(slug);
    if (existing) clearTimeout(existing.timer);
    let resolve!: (s: BackendStatus | null) => void;
    const entry: Pending = existing ?? { timer: undefined as unknown as NodeJS.Timeout, done: new Promise((r) => (resolve = r)), resolve: (s) => resolve(s) };
    entry.timer = setTimeout(() => void this.fire(slug, entry), this.debounceMs);
    this.pending.set(slug, entry);
  }

  private async fire(slug: string, entry: Pending): Promise<void> {
    if (this.pending.get(slug) === entry) this.pending.delete(slug);
    const before = this.inFlight.get(slug);
    const run = (async (): Promise<BackendStatus | null> => {
      await before?.catch(() => undefined);
      if (!(await this.enabled(slug))) return null;
      return this.o.backends.liveRestart(slug).catch(() => this.o.backends.status(slug));
    })();
    this.inFlight.set(slug, run);
    const result = await run;
    if (this.inFlight.get(slug) === run) this.inFlight.delete(slug);
    entry.resolve(result);
  }

  private async offSet(): Promise<Set<string>> {
    const file = this.o.stateFile();
    if (this.off && this.offFile === file) return this.off;
    let off: string[] = [];
    try {
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as { off?: unknown };
      if (Array.isArray(data.off)) off = data.off.filter((s): s is string => typeof s === 'string');
    } catch {
      // No file yet (or a damaged one): live reload is on everywhere.
    }
    this.off = new Set(off);
    this.offFile = file;
    return this.off;
  }
}
