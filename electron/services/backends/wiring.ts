import path from 'node:path';
import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import type { SettingsStore } from '../settings/settings-store';
import { PythonService } from '../python/python-service';
import { PreviewServer } from '../preview/preview-server';
import { ArtifactFolders, type ArtifactRecord, type ArtifactsPort } from './artifact-folders';
import { BackendSupervisor } from './supervisor';

/** The artifact store as the composition root has it (async `dir`, full records). */
export interface ArtifactStoreLike {
  open(slug: string): Promise<{ type: string; primary: string | null; datasources: { engine: string; name: string }[] }>;
  update(slug: string, patch: { port: number | null }): Promise<unknown>;
}

export interface BackendServicesOptions {
  workspaceDir: () => string;
  settings: SettingsStore;
  events: EventBus;
  shutdown: ShutdownRegistry;
  notices: NoticeLog;
  scrub: (text: string) => string;
  env: NodeJS.ProcessEnv;
  /** The full artifact store when present; otherwise metadata.json is read directly. */
  store?: ArtifactStoreLike;
  envFor: (datasourceSlugs: string[]) => Promise<Record<string, string>> | Record<string, string>;
}

/**
 * Builds python + backends + preview and connects them, so `services.ts` only adds three
 * lines. Also reaps backends a crashed Kiln left running and stops all of them on quit.
 */
export async function createBackendServices(o: BackendServicesOptions): Promise<{
  python: PythonService;
  backends: BackendSupervisor;
  preview: PreviewServer;
}> {
  const folders = new ArtifactFolders(() => path.join(o.workspaceDir(), '.anton', 'artifacts'));
  const artifacts: ArtifactsPort = o.store
    ? {
        dir: (slug) => folders.dir(slug),
        open: async (slug): Promise<ArtifactRecord> => {
          const r = await o.store!.open(slug);
          return { type: r.type, primary: r.primary, datasources: r.datasources };
        },
        update: (slug, patch) => o.store!.update(slug, patch),
      }
    : folders;
  const stateDir = (): string => path.join(o.workspaceDir(), '.kiln', 'state');
  // The proxy reads type and primary on every request: a plain read of metadata.json, never
  // the store's open (which reconciles files[] and could rewrite the record on each request).
  const preview = new PreviewServer({ artifacts: { ...artifacts, open: (slug) => folders.open(slug) }, stateFile: path.join(stateDir(), 'preview.json') });
  const python = new PythonService({ settings: () => o.settings.get().python, workspaceDir: o.workspaceDir, env: o.env });
  const backends = new BackendSupervisor({
    artifacts,
    python,
    events: o.events,
    limits: () => o.settings.get().backends,
    envFor: o.envFor,
    scrub: o.scrub,
    stateDir,
    hostEnv: o.env,
    previewUrl: (slug) => preview.urlFor(slug),
    notify: (level, message) => o.notices.add(level, message),
  });
  preview.connectBackends((slug) => backends.portFor(slug), (slug) => backends.touch(slug));
  // Hooks run newest first: backends stop before the preview closes.
  o.shutdown.register('preview', () => preview.close());
  o.shutdown.register('backends', () => backends.stopAll());
  const reaped = await backends.reapOrphans().catch(() => [] as string[]);
  if (reaped.length > 0) {
    o.notices.add('info', `Stopped ${reaped.length} backend(s) left running by an earlier Kiln: ${reaped.join(', ')}.`);
  }
  return { python, backends, preview };
}
