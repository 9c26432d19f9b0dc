import { create } from 'zustand';
import type { ArtifactChange } from '../../../../shared/contract/artifacts';
import { isBackendFile } from '../../../../shared/preview/live-files';
import { api } from '../../../api/client';

/**
 * Live reload in the renderer: the per-artifact switch (kept in main, so backend restarts obey
 * it too), a counter of page-file changes per artifact that open frames follow, and what each
 * frame is doing right now (for the "Reloading…" chip).
 */
interface LiveState {
  /** On unless the user turned it off; undefined until read. */
  enabled: Record<string, boolean>;
  /** Bumped for every change to a file a frame may show (not backend code, which restarts instead). */
  ticks: Record<string, number>;
  reloading: Record<string, boolean>;
  load(slug: string): Promise<void>;
  setEnabled(slug: string, on: boolean): Promise<void>;
  applyChanges(changes: readonly ArtifactChange[]): void;
  setReloading(slug: string, on: boolean): void;
}

export const useLive = create<LiveState>()((set, get) => ({
  enabled: {},
  ticks: {},
  reloading: {},
  async load(slug) {
    const { on } = await api.call('preview.liveReload', { slug });
    set((s) => ({ enabled: { ...s.enabled, [slug]: on } }));
  },
  async setEnabled(slug, on) {
    const before = get().enabled[slug];
    set((s) => ({ enabled: { ...s.enabled, [slug]: on } }));
    try {
      await api.call('preview.setLiveReload', { slug, on });
    } catch (e) {
      set((s) => ({ enabled: { ...s.enabled, [slug]: before ?? true } }));
      throw e;
    }
  },
  applyChanges(changes) {
    const bumped: Record<string, number> = {};
    for (const c of changes) {
      if (c.kind !== 'files') continue;
      // Unknown paths (null) may include a page file; backend code alone restarts the backend.
      if (c.paths && c.paths.length > 0 && c.paths.every(isBackendFile)) continue;
      bumped[c.slug] = (bumped[c.slug] ?? get().ticks[c.slug] ?? 0) + 1;
    }
    if (Object.keys(bumped).length > 0) set((s) => ({ ticks: { ...s.ticks, ...bumped } }));
  },
  setReloading(slug, on) {
    if ((get().reloading[slug] ?? false) !== on) set((s) => ({ reloading: { ...s.reloading, [slug]: on } }));
  },
}));
