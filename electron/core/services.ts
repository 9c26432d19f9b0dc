import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GrantStore } from '../services/grants/grant-store';
import { GrantsService } from '../services/grants/grants-service';
import pkg from '../../package.json';
import type { AppInfo } from '../../shared/contract/app';
import { DisposableStore } from '../../shared/lib/emitter';
import { EventBus } from '../services/events/event-bus';
import { ShutdownRegistry } from '../services/lifecycle/shutdown';
import { AfterStart } from '../services/lifecycle/after-start';
import { NoticeLog } from '../services/notices/notice-log';
import { SettingsStore } from '../services/settings/settings-store';
import { createArtifactServices, type ArtifactReaders, type ArtifactStore } from '../services/artifacts/index';
import type { BackendSupervisor } from '../services/backends/supervisor';
import { createBackendServices } from '../services/backends/wiring';
import type { LiveReload } from '../services/backends/live-reload';
import type { Thumbnails } from '../services/preview/thumbnails';
import type { PreviewCapture } from '../services/preview/page-capture';
import type { PreviewServer } from '../services/preview/preview-server';
import type { PythonService } from '../services/python/python-service';
import { PublishService } from '../services/publish/publish-service';
import { createDeployService } from '../services/deploy/wiring';
import type { DeployService } from '../services/deploy/deploy-service';
import { Scrubber } from '../services/vault/scrubber';
import { KeychainSecretStore } from '../services/vault/secret-store';
import { Secrets, environmentOverlay } from '../services/vault/secrets';
import { VaultService, defaultAntonVaultDir } from '../services/vault/vault-service';
import { DatasourceService } from '../services/datasources/datasource-service';
import { tightenStateDirs } from '../services/fs/state-file';
import { defaultWorkspaceDir, resolveUserPath } from './paths';
import type { PlatformPort } from './platform';
import type { Agent } from '../services/agent/index';
import { resolveProvider } from '../services/agent/provider';
import { createAgentServices } from '../services/agent/wiring';
import type { HistoryService } from '../services/history/history-service';
import type { CheckpointScheduler } from '../services/history/turns';
import { agentCheckpointsPort, createHistoryServices } from '../services/history/wiring';
import type { McpService } from '../services/mcp/mcp-service';
import { createMcpService } from '../services/mcp/wiring';
import { ArtifactRemoval } from '../services/artifacts/removal';
import { ArtifactReveal } from '../services/artifacts/reveal';
import { DiagnosticsService } from '../services/diagnostics/diagnostics-service';
import { ProviderService } from '../services/provider/provider-service';
import { AppSecrets } from '../services/settings/app-secrets';
import { createKeyOrigins } from '../services/vault/key-origins-wiring';
import { PROVIDER_API_KEY_ACCOUNT } from '../../shared/vault/accounts';
import { WorkspaceSetting } from '../services/settings/workspace-setting';

export interface ServicesOptions {
  userData: string;
  /** `--workspace` / `KILN_WORKSPACE`: wins over the setting for this run. */
  workspaceOverride?: string | undefined;
  platform: PlatformPort;
  /** The environment the app was started with (for headless defaults); never forwarded to children. */
  env?: NodeJS.ProcessEnv;
  /** Folder holding bundled resources (`examples/`): `<repo>/resources` in development, `dist/resources` when built. */
  resourcesDir?: string;
  /** Folder of the agent's markdown prompts: `<repo>/prompts` in development, `dist/prompts` when built. */
  promptsDir?: string;
  /** OS keychain service name (default `Kiln`; env `KILN_KEYCHAIN_SERVICE` for tests). */
  keychainService?: string;
  /** The host calls `afterStart.begin()` once it answers: start-up work waits until then (docs/reliability.md). */
  deferStartupWork?: boolean;
}

/**
 * The composition root shared by the Electron main process and the web host: every
 * service is built here once, so both transports serve exactly the same behaviour.
 */
export interface Services {
  readonly userData: string;
  readonly resourcesDir: string;
  readonly promptsDir: string;
  /** Start-up environment, read only for documented headless defaults (OPENAI_*, KILN_*). */
  readonly env: NodeJS.ProcessEnv;
  readonly platform: PlatformPort;
  readonly events: EventBus;
  readonly shutdown: ShutdownRegistry;
  /** Background start-up work (watcher, tidy-up, interrupted chats); `begin()` once the host is up. */
  readonly afterStart: AfterStart;
  readonly notices: NoticeLog;
  readonly settings: SettingsStore;
  /** Known secret values, replaced by `[VAR_NAME]` wherever text leaves main. */
  readonly scrubber: Scrubber;
  /** Replaces known secret values in text that leaves main (`scrubber.scrub`). */
  scrub(text: string): string;
  /** OS keychain (+ OPENAI_API_KEY / KILN_PUBLISH_API_KEY from the environment); values it sees are registered with the scrubber. */
  readonly secrets: Secrets;
  /** Datasources: fields in `<ws>/.kiln/datasources.json`, secrets in the keychain; `envFor(slugs)` for backends. */
  readonly vault: VaultService;
  /** Test connection, and the agent's describe/query of datasources (pg, mysql2, SQLite via Python, REST). */
  readonly datasources: DatasourceService;
  workspaceDir(): string;
  appInfo(): AppInfo;
  /** Loopback proxy giving each artifact its own origin (`urlFor(slug)`). */
  readonly preview: PreviewServer;
  /** Interpreter discovery and per-artifact venvs (`find()`, `venvPython(slug)`, `ensureVenv(slug)`). */
  readonly python: PythonService;
  /** Supervised fullstack backends (`launch/stop/restart/status/logs/list/stopAll`). */
  readonly backends: BackendSupervisor;
  /** Restart-on-change of running backends and the per-artifact "Live reload" switch. */
  readonly liveReload: LiveReload;
  /** Gallery pictures of artifacts as last previewed (`<ws>/.kiln/thumbnails/<id>.png`). */
  readonly thumbnails: Thumbnails;
  /** Thumbnails by the runtime's page capture (Electron), else "fall back to the page's own". */
  readonly previewCapture: PreviewCapture;
  /** One-click publish (anton protocol), review, status badges, unpublish, versions, export. */
  readonly publish: PublishService;
  /** Deploy to a Docker Engine the user runs (docs/deploy.md). */
  readonly deploy: DeployService;
  /** The user's MCP servers (Settings → Tools): connections, permissions, the agent's calls. */
  readonly mcp: McpService;
  /** The agent: chat turn loop, tools, conversation logs (`agent.chat`). */
  readonly agent: Agent;
  /** Checkpoints: a git history per artifact (`<ws>/.kiln/history/<id>.git`), list, diff, restore. */
  readonly history: HistoryService;
  /** When checkpoints are taken (turn ends, quiet outside changes), user restores, undo/redo of a turn. */
  readonly checkpoints: CheckpointScheduler;
  /** The anton-compatible artifact store (`<workspace>/.anton/artifacts`), watched live. */
  readonly artifacts: ArtifactStore;
  /** Size-limited, confined file reads for the preview pane. */
  readonly artifactReaders: ArtifactReaders;
  /** Deleting an artifact as the user asks: stop its backend, reset its scratchpad, trash it. */
  readonly artifactRemoval: ArtifactRemoval;
  /** Shows an artifact's folder or file in the OS file manager (or says where it is). */
  readonly artifactReveal: ArtifactReveal;
  /** The model provider: the stored key, "Test connection" (the key goes only where the agent sends it). */
  readonly provider: ProviderService;
  /** The Diagnostics page, the first-run Python check and the bug-report text. */
  readonly diagnostics: DiagnosticsService;
  /** Which declared datasources the user allowed per artifact (`<ws>/.kiln/grants.json`). */
  readonly grants: GrantsService;
  /** The provider and publish keys as Settings sets and clears them (announces `secrets.changed`). */
  readonly appSecrets: AppSecrets;
  /** The workspace folder as Settings shows and changes it. */
  readonly workspaceSetting: WorkspaceSetting;
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  const scrubber = new Scrubber();
  const scrub = (text: string): string => scrubber.scrub(text);
  const notices = new NoticeLog(scrub);
  // A service that emits a shape the contract refuses is Kiln's bug: tell the user, don't crash it.
  const events = new EventBus({ onInternalError: (error) => notices.add('error', 'Kiln could not show an update in the window.', error.message) });
  const shutdown = new ShutdownRegistry();
  const afterStart = new AfterStart({ deferred: options.deferStartupWork === true });
  // Registered first, so it runs last: services that stop still announce it to the window.
  const subscriptions = new DisposableStore();
  shutdown.register('subscriptions', () => subscriptions.dispose());
  subscriptions.add(notices.onNotice((n) => events.emit('app.notice', n)));

  await fs.mkdir(options.userData, { recursive: true });
  const settings = new SettingsStore(options.userData);
  const problem = await settings.load();
  if (problem) notices.add('warning', problem.message, problem.details);
  subscriptions.add(settings.onChange((s) => events.emit('settings.changed', s)));

  const workspaceDir = (): string => {
    if (options.workspaceOverride) return resolveUserPath(options.workspaceOverride);
    const chosen = settings.get().workspace.path;
    return chosen ? resolveUserPath(chosen) : defaultWorkspaceDir();
  };
  await fs.mkdir(workspaceDir(), { recursive: true });
  await tightenStateDirs([options.userData, path.join(workspaceDir(), '.kiln')]);

  const env = options.env ?? {};
  const resourcesDir = options.resourcesDir ?? path.resolve('resources');
  const promptsDir = options.promptsDir ?? path.resolve('prompts');
  const secrets = new Secrets(
    new KeychainSecretStore({ keychainService: options.keychainService ?? (env.KILN_KEYCHAIN_SERVICE || undefined) }),
    { scrubber, overlay: environmentOverlay(env) },
  );
  const keychainProblem = await secrets.load();
  if (keychainProblem) notices.add('warning', keychainProblem.message, keychainProblem.details);
  const vault = new VaultService({
    workspaceDir,
    secrets,
    antonVaultDir: () => defaultAntonVaultDir(env),
  });
  subscriptions.add(vault.onChanged((list) => events.emit('vault.changed', list)));

  const artifactServices = await createArtifactServices({
    store: {
      workspaceDir,
      trashItem: (target) => options.platform.trashItem(target),
      workspaceOverridden: Boolean(options.workspaceOverride),
    },
    events,
    settings,
    shutdown,
    afterStart,
  });

  // Datasource consent (docs/security.md): grants live in <ws>/.kiln/grants.json, outside every artifact folder.
  const grants = new GrantsService({ store: new GrantStore(() => path.join(workspaceDir(), '.kiln', 'grants.json')), artifact: (slug) => artifactServices.store.open(slug), datasources: () => vault.list() });
  const { python, backends, preview, liveReload, thumbnails, previewCapture } = await createBackendServices({
    workspaceDir,
    settings,
    events,
    shutdown,
    notices,
    scrub,
    env,
    store: artifactServices.store,
    envFor: (slugs) => vault.envFor(slugs),
    grants,
    ...(options.platform.capturePage ? { capturePage: options.platform.capturePage } : {}),
  });
  const datasources = new DatasourceService({ vault, scrub, python: async () => (await python.find()).path });

  // Where the provider and publish keys may go (docs/security.md, point 6).
  const keyOrigins = createKeyOrigins({ userData: options.userData, secrets, providerUrl: () => resolveProvider(settings.get().provider, env, null).baseUrl, publishUrl: () => publish.publishUrl() });
  const publish = new PublishService({
    keyOrigins,
    artifacts: artifactServices.store,
    secrets,
    scrubber,
    vault,
    python: { venvPython: (slug) => python.venvPython(slug) },
    settings: () => {
      const s = settings.get();
      return { url: s.publish.url, maxBundleMB: s.publish.maxBundleMB, pythonInterpreter: s.python.interpreter };
    },
    env,
    // Retry and failure messages can quote the publish server's reply: scrub them like errors.
    onProgress: (p) => events.emit('publish.progress', p.message === undefined ? p : { ...p, message: scrub(p.message) }),
    onChanged: (slug) => events.emit('publish.changed', { slug }),
    chooseSavePath: options.platform.chooseSavePath ? (name) => options.platform.chooseSavePath!(name) : undefined,
  });
  shutdown.register('publish', () => publish.cancelAll());

  const { history, scheduler: checkpoints } = createHistoryServices({
    store: artifactServices.store,
    backends,
    liveReload,
    publishStatus: (slug) => publish.status(slug),
    events,
    notices,
    settings,
    shutdown,
    trashItem: (target) => options.platform.trashItem(target),
  });

  const deploy = createDeployService({
    userData: options.userData, workspaceDir, source: publish, vault, grants, secrets, scrub, env, shutdown,
    checkpoint: async (slug) => (await history.list(slug)).checkpoints[0]?.id ?? null,
    emit: { onProgress: (p) => events.emit('deploy.progress', p), onChanged: (c) => events.emit('deploy.changed', c), onLog: (l) => events.emit('deploy.log', l) },
  });
  // An upgrade adopts the key origins in effect at start, not at a key's first use (a URL
  // changed in between would be adopted silently); a missing keychain just postpones it.
  afterStart.later('key-origins', () => keyOrigins.status(PROVIDER_API_KEY_ACCOUNT).catch(() => undefined), { first: true });
  afterStart.later('deploy-reconcile', () => deploy.start());

  // The key goes only where the agent itself would send it: the effective provider URL.
  const provider = new ProviderService({
    savedBaseUrl: () => resolveProvider(settings.get().provider, env, null).baseUrl,
    secrets,
    keyOrigins,
  });

  const mcp = await createMcpService({
    userData: options.userData,
    secrets,
    scrubber,
    scrub,
    env,
    clientVersion: pkg.version,
    events,
    shutdown,
    notices,
    subscriptions,
  });

  const agent = await createAgentServices({
    workspaceDir,
    promptsDir,
    env,
    settings,
    providerApiKey: (baseUrl) => provider.storedApiKey(baseUrl),
    vault,
    artifacts: artifactServices.store,
    backends,
    liveReload,
    python,
    events,
    shutdown,
    afterStart,
    notices,
    scrub,
    mcp,
    checkpoints: agentCheckpointsPort(history, checkpoints),
    datasources,
    grants,
  });

  const artifactRemoval = new ArtifactRemoval({
    trash: (slug) => artifactServices.store.delete(slug, 'user'),
    backends,
    scratchpads: agent.scratchpads,
    history,
  });
  const artifactReveal = new ArtifactReveal({
    store: artifactServices.store,
    revealInFolder: (target) => options.platform.revealInFolder(target),
  });
  const appInfo = (): AppInfo => ({
    name: pkg.productName,
    version: pkg.version,
    platform: process.platform,
    arch: os.arch(),
    runtime: options.platform.runtime,
    versions: options.platform.versions,
    workspace: workspaceDir(),
    userData: options.userData,
  });
  const appSecrets = new AppSecrets(secrets, keyOrigins);
  subscriptions.add(appSecrets.onChanged((status) => events.emit('secrets.changed', status)));
  const workspaceSetting = new WorkspaceSetting({
    settings,
    current: () => ({
      path: workspaceDir(),
      artifactsRoot: artifactServices.store.root(),
      overridden: artifactServices.store.workspaceOverridden,
    }),
  });
  const diagnostics = new DiagnosticsService({
    appInfo,
    findPython: () => python.find(),
    keychain: async () => {
      const status = await appSecrets.status();
      return status.problem ? { available: status.keychainAvailable, problem: status.problem } : { available: status.keychainAvailable };
    },
    backends: () => backends.list().filter((b) => b.state !== 'stopped'),
    ...(python.sandbox ? { isolation: (refresh: boolean) => python.sandbox!.status(refresh) } : {}),
    notices: () => notices.list(),
    scrub,
  });
  // Registered last, so it runs first on quit: queued start-up work never starts after its service stopped.
  shutdown.register('after-start', () => afterStart.stop());

  return {
    agent,
    history,
    checkpoints,
    mcp,
    userData: options.userData,
    resourcesDir,
    promptsDir,
    env,
    platform: options.platform,
    events,
    shutdown,
    afterStart,
    notices,
    settings,
    scrubber,
    scrub,
    secrets,
    vault,
    datasources,
    workspaceDir,
    preview,
    python,
    backends,
    liveReload,
    thumbnails,
    previewCapture,
    publish,
    deploy,
    artifacts: artifactServices.store,
    artifactReaders: artifactServices.readers,
    artifactRemoval,
    artifactReveal,
    provider,
    diagnostics,
    grants,
    appSecrets,
    workspaceSetting,
    appInfo,
  };
}
