import { create } from 'zustand';
import type { BackendStatus } from '../../../shared/contract/backends';
import { api } from '../../api/client';

const MAX_LINES = 1000;

interface BackendsState {
  statuses: Record<string, BackendStatus>;
  logs: Record<string, string[]>;
  /** Venv/pip lines of the install in progress, for the pane's progress view. */
  progress: Record<string, string[]>;
  /** Operations in flight, so buttons can show it and not fire twice. */
  busy: Record<string, boolean>;
  setStatus(status: BackendStatus): void;
  appendLogs(slug: string, lines: string[]): void;
  appendProgress(slug: string, lines: string[], reset?: boolean): void;
  refresh(slug: string): Promise<BackendStatus>;
  loadLogs(slug: string): Promise<void>;
  run(slug: string, action: 'launch' | 'stop' | 'restart'): Promise<BackendStatus>;
}

export const useBackends = create<BackendsState>()((set, get) => ({
  statuses: {},
  logs: {},
  progress: {},
  busy: {},
  setStatus: (status) => set((s) => ({ statuses: { ...s.statuses, [status.slug]: status } })),
  appendLogs: (slug, lines) =>
    set((s) => ({ logs: { ...s.logs, [slug]: [...(s.logs[slug] ?? []), ...lines].slice(-MAX_LINES) } })),
  appendProgress: (slug, lines, reset) =>
    set((s) => ({ progress: { ...s.progress, [slug]: [...(reset ? [] : (s.progress[slug] ?? [])), ...lines].slice(-200) } })),
  async refresh(slug) {
    const status = await api.call('backends.status', { slug });
    get().setStatus(status);
    return status;
  },
  async loadLogs(slug) {
    const { lines } = await api.call('backends.logs', { slug, tail: 500 });
    set((s) => ({ logs: { ...s.logs, [slug]: lines } }));
  },
  async run(slug, action) {
    set((s) => ({ busy: { ...s.busy, [slug]: true } }));
    if (action !== 'stop') get().appendProgress(slug, [], true);
    try {
      const status =
        action === 'launch'
          ? await api.call('backends.launch', { slug })
          : action === 'stop'
            ? await api.call('backends.stop', { slug })
            : await api.call('backends.restart', { slug });
      get().setStatus(status);
      return status;
    } finally {
      set((s) => ({ busy: { ...s.busy, [slug]: false } }));
    }
  },
}));

export const stateLabels: Record<BackendStatus['state'], string> = {
  stopped: 'Stopped',
  installing: 'Installing',
  starting: 'Starting',
  running: 'Running',
  crashed: 'Crashed',
};
