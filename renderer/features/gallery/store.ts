import { create } from 'zustand';
import type { ArtifactChange, ArtifactListItem } from '../../../shared/contract/artifacts';
import { compareListItems } from '../../../shared/artifacts/list-items';
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
  /** Fetches the whole list (first show, a workspace switch, a reconnect, "Try again"). */
  load(): Promise<void>;
  /** Patches the list from `artifacts.changed`: upsert each change's item, drop removed ones. No call. */
  applyChanges(changes: readonly ArtifactChange[]): void;
  setQuery(q: string): void;
  setType(t: TypeFilter): void;
  setSort(s: SortKey): void;
  setLayout(l: 'grid' | 'list'): void;
}

/** Changes in one list, in order: the later change to a slug wins. */
export function patchList(items: ArtifactListItem[], changes: readonly ArtifactChange[]): ArtifactListItem[] {
  const bySlug = new Map(items.map((i) => [i.slug, i]));
  let touched = false;
  for (const c of changes) {
    if (c.kind === 'removed') touched = bySlug.delete(c.slug) || touched;
    else if (c.item) {
      bySlug.set(c.slug, c.item);
      touched = true;
    }
    // A `files` change without an item leaves the entry as it was: its record wasn't rewritten.
  }
  return touched ? [...bySlug.values()].sort(compareListItems) : items;
}

let inFlight: Promise<void> | null = null;
let again = false;
/** Changes that arrived while a list was in flight: that answer may predate them. */
let during: ArtifactChange[] = [];

export const useGallery = create<GalleryState>()((set, get) => ({
  items: [],
  loaded: false,
  loading: false,
  error: null,
  query: '',
  type: 'all',
  sort: 'recent',
  layout: 'grid',
  /** Coalesces bursts (rescan + reconnect): at most one list in flight plus one queued. */
  load: () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    set({ loading: true });
    inFlight = (async () => {
      do {
        again = false;
        during = [];
        try {
          const items = await api.call('artifacts.list');
          set({ items: during.length > 0 ? patchList(items, during) : items, loaded: true, error: null });
        } catch (e) {
          set({ error: errorMessage(e), loaded: true });
        }
      } while (again);
      during = [];
      set({ loading: false });
      inFlight = null;
    })();
    return inFlight;
  },
  applyChanges: (changes) => {
    if (inFlight) during.push(...changes);
    // Before the first list there is nothing to patch; that list will have the change.
    if (!get().loaded) return;
    set({ items: patchList(get().items, changes) });
  },
  setQuery: (query) => set({ query }),
  setType: (type) => set({ type }),
  setSort: (sort) => set({ sort }),
  setLayout: (layout) => set({ layout }),
}));
