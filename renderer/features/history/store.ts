import { create } from 'zustand';
import type { FileDiff, HistoryState, TurnHistory } from '../../../shared/contract/history';
import { api, errorMessage } from '../../api/client';

interface HistoryStore {
  /** The artifact whose History tab is shown, or null. */
  slug: string | null;
  state: HistoryState | null;
  error: string | null;
  /** The checkpoint whose diff is open. */
  selected: string | null;
  diff: FileDiff[] | null;
  diffError: string | null;
  /** A restore or reset in progress (buttons disabled, a spinner shown). */
  busy: boolean;
  /** Undo/Redo state per chat turn id, loaded when its card shows. */
  turns: Record<string, TurnHistory>;
  open(slug: string): void;
  close(): void;
  load(): Promise<void>;
  select(id: string | null): void;
  restore(id: string): Promise<boolean>;
  reset(): Promise<void>;
  /** `history.changed`: re-read what is on screen. */
  changed(slug: string): void;
  loadTurn(turnId: string): Promise<void>;
  undoTurn(turnId: string): Promise<void>;
  redoTurn(turnId: string): Promise<void>;
}

let generation = 0;

export const useHistory = create<HistoryStore>()((set, get) => ({
  slug: null,
  state: null,
  error: null,
  selected: null,
  diff: null,
  diffError: null,
  busy: false,
  turns: {},
  open(slug) {
    set({ slug, state: null, error: null, selected: null, diff: null, diffError: null });
    void get().load();
  },
  close() {
    generation++;
    set({ slug: null, state: null, selected: null, diff: null });
  },
  async load() {
    const { slug } = get();
    if (!slug) return;
    const mine = ++generation;
    try {
      const state = await api.call('history.list', { slug });
      if (mine === generation) set({ state, error: null });
    } catch (e) {
      if (mine === generation) set({ error: errorMessage(e) });
    }
  },
  select(id) {
    const { slug, selected } = get();
    if (!slug || id === null || id === selected) {
      set({ selected: null, diff: null, diffError: null });
      return;
    }
    set({ selected: id, diff: null, diffError: null });
    api.call('history.diff', { slug, id }).then(
      ({ files }) => {
        if (get().selected === id) set({ diff: files });
      },
      (e: unknown) => {
        if (get().selected === id) set({ diffError: errorMessage(e) });
      },
    );
  },
  async restore(id) {
    const { slug } = get();
    if (!slug) return false;
    set({ busy: true, error: null });
    try {
      await api.call('history.restore', { slug, id });
      await get().load();
      return true;
    } catch (e) {
      set({ error: errorMessage(e) });
      return false;
    } finally {
      set({ busy: false });
    }
  },
  async reset() {
    const { slug } = get();
    if (!slug) return;
    set({ busy: true, error: null });
    try {
      set({ state: await api.call('history.reset', { slug }) });
    } catch (e) {
      set({ error: errorMessage(e) });
    } finally {
      set({ busy: false });
    }
  },
  changed(slug) {
    if (get().slug === slug) void get().load();
    for (const turnId of Object.keys(get().turns)) void get().loadTurn(turnId);
  },
  async loadTurn(turnId) {
    try {
      const t = await api.call('history.turn', { turnId });
      set((s) => ({ turns: { ...s.turns, [turnId]: t } }));
    } catch {
      // No history to show for this turn: the card shows no Undo.
    }
  },
  async undoTurn(turnId) {
    const t = await api.call('history.undoTurn', { turnId });
    set((s) => ({ turns: { ...s.turns, [turnId]: t } }));
  },
  async redoTurn(turnId) {
    const t = await api.call('history.redoTurn', { turnId });
    set((s) => ({ turns: { ...s.turns, [turnId]: t } }));
  },
}));
