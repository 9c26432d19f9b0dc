import { create } from 'zustand';
import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { api, errorMessage } from '../../api/client';
import type { SortKey, TypeFilter } from './model';

interface GalleryState {
  items: ArtifactListItem[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  query: string;
  type: TypeFilter;
  sort: SortKey;
  layout: 'grid' | 'list';
  load(): Promise<void>;
  setQuery(q: string): void;
  setType(t: TypeFilter): void;
  setSort(s: SortKey): void;
  setLayout(l: 'grid' | 'list'): void;
}

let inFlight: Promise<void> | null = null;
let again = false;

export const useGallery = create<GalleryState>()((set) => ({
  items: [],
  loaded: false,
  loading: false,
  error: null,
  query: '',
  type: 'all',
  sort: 'recent',
  layout: 'grid',
  /** Coalesces bursts of change events: at most one list in flight plus one queued. */
  load: () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    set({ loading: true });
    inFlight = (async () => {
      do {
        again = false;
        try {
          const items = await api.call('artifacts.list');
          set({ items, loaded: true, error: null });
        } catch (e) {
          set({ error: errorMessage(e), loaded: true });
        }
      } while (again);
      set({ loading: false });
      inFlight = null;
    })();
    return inFlight;
  },
  setQuery: (query) => set({ query }),
  setType: (type) => set({ type }),
  setSort: (sort) => set({ sort }),
  setLayout: (layout) => set({ layout }),
}));
