import path from 'node:path';
import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import type { SettingsStore } from '../settings/settings-store';
import { PythonService } from '../python/python-service';
import { PreviewServer } from '../preview/preview-server';
import type { ArtifactStore } from '../artifacts/store';
import { BackendSupervisor } from './supervisor';
import { AppSandbox } from '../sandbox/app-sandbox';
import type { DatasourceGrants } from '../grants/split';
import { LiveReload } from './live-reload';
import { Thumbnails } from '../preview/thumbnails';
import { PreviewCapture, type CapturePage } from '../preview/page-capture';
import { precreateVenvs } from '../python/venv-precreate';
import { isFullstackType } from '../../../shared/artifacts/rules';

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
  /** Datasource consent: a backend gets only the datasources the user allowed. */
  grants?: DatasourceGrants;
  /** The runtime's page capture for thumbnails (Electron); absent in the web host. */
  capturePage?: CapturePage;
}

/**
 * Builds python + backends + preview and connects them, so `services.ts` only adds three
 * lines. Also reaps backends a crashed Kiln left running and stops all of them on quit.
 */
export async function createBackendServices(o: BackendServicesOptions): Promise<{
  python: PythonService;
  backends: BackendSupervisor;
  preview: PreviewServer;
  liveReload: LiveReload;
  thumbnails: Thumbnails;
  previewCapture: PreviewCapture;
}> {
  const stateDir = (): string => path.join(o.workspaceDir(), '.kiln', 'state');
  const preview = new PreviewServer({ artifacts: o.store, stateFile: path.join(stateDir(), 'preview.json') });
  const sandbox = new AppSandbox({ mode: () => o.settings.get().python.isolateApps, stateDir, env: o.env });
  const python = new PythonService({ settings: () => o.settings.get().python, workspaceDir: o.workspaceDir, env: o.env, sandbox });
  // Set just below; the supervisor asks only after a backend runs.
  let liveReload: LiveReload | null = null;
  const backends = new BackendSupervisor({
    artifacts: o.store,
    python,
    events: o.events,
    limits: () => o.settings.get().backends,
    envFor: o.envFor,
    scrub: o.scrub,
    stateDir,
    hostEnv: o.env,
    sandbox,
    ...(o.grants ? { grants: o.grants } : {}),
    previewUrl: (slug) => preview.urlFor(slug),
    notify: (level, message) => o.notices.add(level, message),
    // A spare interpreter per running backend whose live reload is on (spare.ts).
    spares: (slug) => liveReload?.enabled(slug) ?? false,
  });
  preview.connectBackends((slug) => backends.portFor(slug), (slug) => backends.touch(slug));
  // Code changes restart a running backend on the same preview origin (docs/backends.md).
  liveReload = new LiveReload({
    onChanged: (listener) => o.store.onChanged(listener),
    backends,
    stateFile: () => path.join(stateDir(), 'live-reload.json'),
  });
  // A declaration added while the backend runs waits for a grant: the pane says so at once.
  const grantWatch = o.store.onChanged(({ changes }) => {
    for (const c of changes) if (c.kind === 'record') void backends.refreshGrants(c.slug).catch(() => undefined);
  });
  o.shutdown.register('grant-watch', () => grantWatch.dispose());
  const thumbnails = new Thumbnails({
    workspaceDir: o.workspaceDir,
    idOf: async (slug) => (await o.store.read(slug)).id,
    onSaved: (slug) => o.events.emit('preview.thumbnailChanged', { slug }),
  });
  // Electron takes thumbnails with its page capture; the web host falls back to html-to-image.
  const previewCapture = new PreviewCapture({ thumbnails, ...(o.capturePage ? { capture: o.capturePage } : {}) });
  // The moment requirements.txt is written, the venv is made, so the launch finds it ready.
  const precreate = precreateVenvs({
    onChanged: (listener) => o.store.onChanged(listener),
    isFullstack: async (slug) => isFullstackType((await o.store.read(slug)).type),
    ensureVenv: (slug) => python.ensureVenv(slug),
  });
  o.shutdown.register('venv-precreate', () => precreate.dispose());
  // Hooks run newest first: backends stop before the preview closes.
  o.shutdown.register('preview', () => preview.close());
  o.shutdown.register('backends', () => backends.stopAll());
  o.shutdown.register('live-reload', () => liveReload.dispose());
  // In the background: start-up never waits for an orphan's SIGTERM grace (a launch does).
  void backends.reapOrphans().then(
    (reaped) => {
      if (reaped.length > 0) o.notices.add('info', `Stopped ${reaped.length} backend(s) left running by an earlier Kiln: ${reaped.join(', ')}.`);
    },
    () => undefined,
  );
  return { python, backends, preview, liveReload, thumbnails, previewCapture };
}
