import { create } from 'zustand';
import type { ArtifactChange } from '../../../shared/contract/artifacts';
import type { PublishProgress, PublishStatus } from '../../../shared/contract/publish';
import { isBookkeepingFile } from '../../../shared/artifacts/rules';
import { api } from '../../api/client';

interface PublishState {
  /**
   * Publish status per artifact slug, for badges: loaded once per card on screen, then kept
   * current by `publish.changed` and patched by `artifacts.changed`. `null`: asked, none to show.
   */
  statuses: Record<string, PublishStatus | null>;
  /** The latest `publish.progress` per slug (the sheet's progress bar). */
  progress: Record<string, PublishProgress>;
  /** Loads a status unless it is known or already on its way. */
  ensure(slug: string): void;
  /** Asks main again (after `publish.changed`). */
  refresh(slug: string): Promise<void>;
  set(status: PublishStatus): void;
  setProgress(progress: PublishProgress): void;
  clearProgress(slug: string): void;
  /** Patches from `artifacts.changed` without a call; `rescan` forgets everything (cards on screen ask again). */
  applyChanges(changes: readonly ArtifactChange[], rescan: boolean): void;
}

const inFlight = new Map<string, Promise<void>>();

/**
 * Whether a change can move a published artifact to "changed". metadata.json, README.md,
 * backend.log and the publish state never go into a bundle, so writes to them don't count.
 */
function touchesBundle(c: ArtifactChange): boolean {
  if (c.kind !== 'files') return false;
  return !c.paths || c.paths.some((p) => !isBookkeepingFile(p));
}

export const usePublish = create<PublishState>()((set, get) => ({
  statuses: {},
  progress: {},
  ensure(slug) {
    if (slug in get().statuses || inFlight.has(slug)) return;
    void get().refresh(slug);
  },
  refresh(slug) {
    const running = inFlight.get(slug);
    if (running) return running;
    const p = api
      .call('publish.status', { slug })
      .then(
        (status) => get().set(status),
        // A badge is a hint: an artifact that can't be bundled right now simply shows none.
        () => set((s) => ({ statuses: { ...s.statuses, [slug]: null } })),
      )
      .finally(() => inFlight.delete(slug));
    inFlight.set(slug, p);
    return p;
  },
  set: (status) => set((s) => ({ statuses: { ...s.statuses, [status.slug]: status } })),
  setProgress: (progress) => set((s) => ({ progress: { ...s.progress, [progress.slug]: progress } })),
  clearProgress: (slug) =>
    set((s) => {
      const next = { ...s.progress };
      delete next[slug];
      return { progress: next };
    }),
  applyChanges(changes, rescan) {
    if (rescan) {
      set({ statuses: {} });
      return;
    }
    const before = get().statuses;
    let next: Record<string, PublishStatus | null> | null = null;
    for (const c of changes) {
      const known = (next ?? before)[c.slug];
      if (c.kind === 'removed' || c.kind === 'created') {
        // A folder that is gone, or new under a name that was used before: ask again when shown.
        if (c.slug in (next ?? before)) {
          next ??= { ...before };
          delete next[c.slug];
        }
      } else if (known?.state === 'published' && touchesBundle(c)) {
        // The bundle's md5 is main's to compute; until the sheet asks, the files changed since the publish.
        next ??= { ...before };
        next[c.slug] = { ...known, state: 'changed', currentMd5: null };
      }
    }
    if (next) set({ statuses: next });
  },
}));
