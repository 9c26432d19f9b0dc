import { DisposableStore } from '../../../shared/lib/emitter';
import { isBackendFile } from '../../../shared/preview/live-files';
import type { ArtifactStore } from '../artifacts/store';
import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import type { SettingsStore } from '../settings/settings-store';
import type { AgentCheckpoints } from '../agent/tools/checkpoint-tools';
import { HistoryService } from './history-service';
import type { HistoryStorePort } from './ports';
import { CheckpointScheduler } from './turns';

/** The artifact store as history sees it: reads, and restores through the store's one door. */
export function historyStorePort(store: ArtifactStore): HistoryStorePort {
  return {
    workspace: () => store.workspace(),
    dir: (slug) => store.dir(slug),
    read: async (slug) => {
      const r = await store.read(slug);
      return { id: r.id, name: r.name, description: r.description, primary: r.primary, datasources: r.datasources };
    },
    list: async () => (await store.list()).map((i) => ({ slug: i.slug, id: i.id })),
    applyFiles: async (slug, writes, removes, by) => {
      await store.files.apply(slug, writes, removes, by);
    },
    restoreRecord: async (slug, record, by) => {
      const now = await store.read(slug);
      if (now.name !== record.name && record.name.trim() !== '') await store.rename(slug, record.name, by);
      const primaryChanged = now.primary !== record.primary;
      const datasourcesChanged = JSON.stringify(now.datasources) !== JSON.stringify(record.datasources);
      if (primaryChanged || datasourcesChanged || now.description !== record.description) {
        await store.update(
          slug,
          {
            ...(primaryChanged ? { primary: record.primary } : {}),
            ...(datasourcesChanged ? { datasources: record.datasources } : {}),
            ...(now.description !== record.description ? { description: record.description } : {}),
          },
          by,
        );
      }
    },
  };
}

export interface HistoryWiring {
  store: ArtifactStore;
  backends: { status(slug: string): { state: string }; restart(slug: string): Promise<unknown> };
  /** Live reload restarts a backend itself when its code changes (unless the user turned it off). */
  liveReload?: { enabled(slug: string): Promise<boolean> };
  publishStatus: (slug: string) => Promise<{ state: string; reportId: string | null; lastMd5: string | null }>;
  events: EventBus;
  notices: NoticeLog;
  settings: SettingsStore;
  shutdown: ShutdownRegistry;
  trashItem?: (target: string) => Promise<boolean>;
  quietMs?: number;
}

/**
 * Builds the history service and its scheduler and wires them: the store's changes schedule
 * checkpoints, publishes mark them, each new checkpoint is announced as `history.changed`.
 */
export function createHistoryServices(w: HistoryWiring): { history: HistoryService; scheduler: CheckpointScheduler } {
  const publishing = new Set<string>();
  const history = new HistoryService({
    store: historyStorePort(w.store),
    backends: {
      status: (slug) => w.backends.status(slug),
      restart: async (slug, changed) => {
        // Restored backend code is picked up by live reload already: don't restart twice.
        if (w.liveReload && changed.some(isBackendFile) && (await w.liveReload.enabled(slug).catch(() => false))) return;
        await w.backends.restart(slug);
      },
    },
    ...(w.trashItem ? { trashItem: w.trashItem } : {}),
    isPublishing: (slug) => publishing.has(slug),
    publishedNow: async (slug) => {
      const s = await w.publishStatus(slug);
      return s.state === 'published' && s.reportId && s.lastMd5 ? { reportId: s.reportId, md5: s.lastMd5 } : null;
    },
    limits: () => w.settings.get().history,
    onChanged: (slug) => w.events.emit('history.changed', { slug }),
    notice: (level, message, details) => w.notices.add(level, message, details),
  });
  const scheduler = new CheckpointScheduler(history, w.quietMs, (message, details) => w.notices.add('warning', message, details));
  const subscriptions = new DisposableStore();
  w.shutdown.register('history', async () => {
    subscriptions.dispose();
    await scheduler.flush();
    await scheduler.stop();
  });
  subscriptions.add(w.store.onChanged((e) => scheduler.onChanges(e.changes)));
  subscriptions.add(
    w.events.subscribe((name, payload) => {
      if (name === 'publish.progress') {
        const p = payload as { slug: string; phase: string };
        if (p.phase === 'zip' || p.phase === 'upload' || p.phase === 'retry') publishing.add(p.slug);
        else publishing.delete(p.slug);
      } else if (name === 'publish.changed') {
        const { slug } = payload as { slug: string };
        void history.markPublished(slug).catch(() => undefined);
      }
    }),
  );
  return { history, scheduler };
}

/** The agent's view of checkpoints (`AgentCheckpoints` in agent/tools/checkpoint-tools.ts). */
export function agentCheckpointsPort(history: HistoryService, scheduler: CheckpointScheduler): AgentCheckpoints {
  return {
    list: async (slug, limit) =>
      (await history.list(slug)).checkpoints.slice(0, limit).map((c) => ({
        id: c.id.slice(0, 10),
        at: c.at,
        by: c.by,
        summary: c.summary,
        paths: c.paths.map((p) => `${p.change} ${p.path}`),
        ...(c.interrupted ? { interrupted: true } : {}),
      })),
    restore: async (slug, id) => {
      const made = await history.restore(slug, id, { by: 'agent' });
      return { id: made.id, summary: made.summary };
    },
    turnStarted: () => scheduler.turnStarted(),
    turnFinished: async (t) => {
      await scheduler.turnFinished(t);
    },
  };
}
