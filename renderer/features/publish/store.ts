import { create } from 'zustand';
import type { PublishStatus } from '../../../shared/contract/publish';
import { api } from '../../api/client';

interface PublishStatusState {
  /** Last known publish status per artifact slug (for gallery badges). */
  statuses: Record<string, PublishStatus>;
  refresh(slug: string): Promise<void>;
  set(status: PublishStatus): void;
}

const inFlight = new Map<string, Promise<void>>();

export const usePublishStatus = create<PublishStatusState>()((set) => ({
  statuses: {},
  refresh(slug) {
    const running = inFlight.get(slug);
    if (running) return running;
    const p = api
      .call('publish.status', { slug })
      .then(
        (status) => set((s) => ({ statuses: { ...s.statuses, [slug]: status } })),
        // A badge is a hint: an artifact that can't be bundled right now simply shows none.
        () => set((s) => {
          const next = { ...s.statuses };
          delete next[slug];
          return { statuses: next };
        }),
      )
      .finally(() => inFlight.delete(slug));
    inFlight.set(slug, p);
    return p;
  },
  set: (status) => set((s) => ({ statuses: { ...s.statuses, [status.slug]: status } })),
}));
