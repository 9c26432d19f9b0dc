import type { ArtifactStore } from '../artifacts/store';
import type { BackendSupervisor } from '../backends/supervisor';
import type { LiveReload } from '../backends/live-reload';
import type { EventBus } from '../events/event-bus';
import type { AfterStart } from '../lifecycle/after-start';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import type { PythonService } from '../python/python-service';
import type { SettingsStore } from '../settings/settings-store';
import type { VaultService } from '../vault/vault-service';
import { artifactPort, backendsPort, pythonPort, vaultPort } from './adapters';
import type { DatasourceGrants } from '../grants/split';
import { createAgent, type Agent } from './index';
import { resolveProvider } from './provider';
import type { McpToolsPort } from './tools/mcp-tools';
import type { AgentCheckpoints } from './tools/checkpoint-tools';
import type { AgentDatasources } from './tools/datasource-tools';

export interface AgentWiring {
  workspaceDir: () => string;
  promptsDir: string;
  env: NodeJS.ProcessEnv;
  settings: SettingsStore;
  /** The stored provider key, null without one or without a keychain (ProviderService.storedApiKey). */
  providerApiKey(baseUrl: string): Promise<string | null>;
  vault: VaultService;
  artifacts: ArtifactStore;
  backends: BackendSupervisor;
  /** Tells write_file what the backend restart its write caused came to. */
  liveReload?: LiveReload;
  python: PythonService;
  events: EventBus;
  shutdown: ShutdownRegistry;
  /** When given, the interrupted-turn check waits for the host to be up instead of delaying it. */
  afterStart?: AfterStart;
  notices: NoticeLog;
  scrub: (text: string) => string;
  /** Datasource consent: the scratchpad gets only the datasources the user allowed. */
  grants?: DatasourceGrants;
  /** The user's MCP servers (`McpService`): their tools next to Kiln's. */
  mcp?: McpToolsPort;
  /** Checkpoints (history service): the agent's tools and the turn-end checkpoint. */
  checkpoints?: AgentCheckpoints;
  /** Connectors for the agent's describe_datasource / query_datasource. */
  datasources?: AgentDatasources;
}

/** Builds the agent from the real services (called once by the composition root). */
export async function createAgentServices(w: AgentWiring): Promise<Agent> {
  const agent = createAgent({
    workspaceDir: w.workspaceDir,
    promptsDir: w.promptsDir,
    artifacts: artifactPort(w.artifacts),
    vault: vaultPort(w.vault),
    backends: backendsPort(w.backends, w.liveReload),
    python: pythonPort(w.python, w.grants),
    provider: async () => {
      // One read of the settings: the key is checked for, and sent to, the same URL.
      const settings = w.settings.get().provider;
      const baseUrl = resolveProvider(settings, w.env, null).baseUrl;
      return resolveProvider(settings, w.env, await w.providerApiKey(baseUrl));
    },
    scrub: w.scrub,
    emit: (event) => w.events.emit('chat.event', event),
    onBackgroundError: (message, details) => w.notices.add('warning', message, details),
    ...(w.mcp ? { mcp: w.mcp } : {}),
    ...(w.checkpoints ? { checkpoints: w.checkpoints } : {}),
    ...(w.datasources ? { datasources: w.datasources } : {}),
  });
  w.shutdown.register('agent', () => agent.shutdown());
  // A turn that was streaming when Kiln last stopped is marked interrupted. Loading the
  // conversation index for it costs ~0.2 s at 1,000 conversations, so a host that says when it
  // is up runs it right after (long before anyone can send), warming the index for chat.list.
  const seal = (): Promise<void> =>
    agent.chat.sealInterrupted().then(
      () => undefined,
      (error: unknown) => {
        w.notices.add('warning', 'Kiln could not check the chat history for interrupted answers.', (error as Error).message);
      },
    );
  if (w.afterStart) w.afterStart.later('chat-interrupted', seal, { first: true });
  else await seal();
  return agent;
}
