import path from 'node:path';
import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import type { SettingsStore } from '../settings/settings-store';
import { PythonService } from '../python/python-service';
import { PreviewServer } from '../preview/preview-server';
import type { ArtifactStore } from '../artifacts/store';
import { BackendSupervisor } from './supervisor';

export interface BackendServicesOptions {
  workspaceDir: () => string;
  settings: SettingsStore;
  events: EventBus;
  shutdown: ShutdownRegistry;
  notices: NoticeLog;
  scrub: (text: string) => string;
  env: NodeJS.ProcessEnv;
  /** The artifact store: the one door to artifact folders, for the backends and the preview. */
  store: ArtifactStore;
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
  const stateDir = (): string => path.join(o.workspaceDir(), '.kiln', 'state');
  const preview = new PreviewServer({ artifacts: o.store, stateFile: path.join(stateDir(), 'preview.json') });
  const python = new PythonService({ settings: () => o.settings.get().python, workspaceDir: o.workspaceDir, env: o.env });
  const backends = new BackendSupervisor({
    artifacts: o.store,
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
