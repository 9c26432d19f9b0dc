import { create } from 'zustand';
import type { DeployProgress, Deployment } from '../../../shared/contract/deploy';
import { api } from '../../api/client';

const MAX_LINES = 400;

interface DeployState {
  /** The Deploy sheet's artifact, or null when closed. */
  sheet: { slug: string } | null;
  open(slug: string): void;
  close(): void;
  /** Every deployment (all artifacts), as `deploy.list` last said; null until loaded. */
  deployments: Deployment[] | null;
  load(): Promise<void>;
  upsert(d: Deployment): void;
  /** Progress lines per artifact slug (build output, health checks), scrubbed by main. */
  progress: Record<string, DeployProgress[]>;
  addProgress(p: DeployProgress): void;
  clearProgress(slug: string): void;
  /** Live log text per deployment id while the logs view is open. */
  logs: Record<string, string>;
  setLog(id: string, text: string): void;
  appendLog(id: string, text: string): void;
}

let loading: Promise<void> | null = null;

export const useDeploy = create<DeployState>()((set) => ({
  sheet: null,
  open: (slug) => set({ sheet: { slug } }),
  close: () => set({ sheet: null }),
  deployments: null,
  load() {
    loading ??= api
      .call('deploy.list', {})
      .then((deployments) => set({ deployments }))
      .catch(() => set((s) => ({ deployments: s.deployments ?? [] })))
      .finally(() => {
        loading = null;
      });
    return loading;
  },
  upsert: (d) => set((s) => ({ deployments: [...(s.deployments ?? []).filter((x) => x.id !== d.id), d] })),
  progress: {},
  addProgress: (p) => set((s) => ({ progress: { ...s.progress, [p.slug]: [...(s.progress[p.slug] ?? []), p].slice(-MAX_LINES) } })),
  clearProgress: (slug) => set((s) => ({ progress: { ...s.progress, [slug]: [] } })),
  logs: {},
  setLog: (id, text) => set((s) => ({ logs: { ...s.logs, [id]: text } })),
  appendLog: (id, text) => set((s) => (id in s.logs ? { logs: { ...s.logs, [id]: `${s.logs[id]}${text}`.slice(-200_000) } } : s)),
}));

/** `deploy.changed`: read the list again if anything shows it. */
export function deploymentChanged(): void {
  const state = useDeploy.getState();
  if (state.deployments !== null) void state.load();
}
