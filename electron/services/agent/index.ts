import type { ChatStreamEvent } from '../../../shared/contract/chat';
import { ChatService, type ChatLimits } from './chat-service';
import { ConversationStore } from './conversation-store';
import { ModelClient, type RetryPolicy } from './model-client';
import type { AgentArtifacts, AgentBackends, AgentPython, AgentVault, ProviderSettings } from './ports';
import { renderPrompt } from './prompts';
import { PythonScratchpads } from './python-scratchpad';
import { artifactTools } from './tools/artifact-tools';
import { fileTools } from './tools/file-tools';
import { describeMcpServers, mcpToolSource, type McpToolsPort } from './tools/mcp-tools';
import { ToolRegistry } from './tools/registry';
import { runTools } from './tools/run-tools';
import { checkpointTools, type AgentCheckpoints } from './tools/checkpoint-tools';
import { datasourceTools, type AgentDatasources } from './tools/datasource-tools';

/** Everything the agent needs from the rest of main, as narrow ports. */
export interface AgentDeps {
  workspaceDir: () => string;
  promptsDir: string;
  artifacts: AgentArtifacts;
  vault: AgentVault;
  backends: AgentBackends;
  python: AgentPython;
  provider: () => Promise<ProviderSettings>;
  scrub: (text: string) => string;
  emit: (event: ChatStreamEvent) => void;
  retry?: RetryPolicy;
  limits?: Partial<ChatLimits>;
  onBackgroundError?: (message: string, details?: string) => void;
  /** The user's MCP servers (Settings → Tools): their tools are offered next to Kiln's. */
  mcp?: McpToolsPort;
  /** Checkpoints: list_checkpoints / restore_checkpoint, and a checkpoint at each turn's end. */
  checkpoints?: AgentCheckpoints;
  /** Connectors for describe_datasource / query_datasource (DatasourceService). */
  datasources?: AgentDatasources;
}

export interface Agent {
  chat: ChatService;
  tools: ToolRegistry;
  scratchpads: PythonScratchpads;
  systemPrompt(): Promise<string>;
  shutdown(): Promise<void>;
}

export function createAgent(deps: AgentDeps): Agent {
  const scratchpads = new PythonScratchpads(deps.python.sandbox ? { sandbox: deps.python.sandbox } : {});
  const tools = new ToolRegistry([
    ...artifactTools(deps.artifacts, deps.vault),
    ...fileTools(deps.artifacts, deps.backends),
    ...runTools({ ...deps, scratchpads }),
    ...(deps.checkpoints ? checkpointTools(deps.checkpoints) : []),
    ...(deps.datasources ? datasourceTools(deps.datasources) : []),
  ], deps.mcp ? mcpToolSource(deps.mcp) : undefined);
  const systemPrompt = async (): Promise<string> => {
    const [datasources, artifacts] = await Promise.all([
      deps.vault.list().catch(() => []),
      deps.artifacts.list().catch(() => []),
    ]);
    const withNames = await Promise.all(
      datasources.map(async (d) => ({
        slug: d.slug,
        ...(d.label ? { label: d.label } : {}),
        envNames: await deps.vault.envNames(d.slug).catch(() => []),
      })),
    );
    const text = await renderPrompt(deps.promptsDir, 'system', {
      date: new Date().toISOString().slice(0, 10),
      datasources: withNames,
      mcp: describeMcpServers(deps.mcp),
      artifacts: artifacts.map((a) => ({ slug: a.slug, name: a.name, type: a.type ?? 'unreadable' })),
    });
    // Belt and braces: a label or artifact name could contain a secret value.
    return deps.scrub(text);
  };
  const conversations = new ConversationStore(deps.workspaceDir);
  const chat = new ChatService({
    store: conversations,
    model: new ModelClient(deps.retry),
    tools,
    provider: deps.provider,
    scrub: deps.scrub,
    systemPrompt,
    emit: deps.emit,
    recordTurn: (slug, turn) => deps.artifacts.recordTurn(slug, turn),
    ...(deps.checkpoints ? { turnHooks: { started: () => deps.checkpoints!.turnStarted(), finished: (t) => deps.checkpoints!.turnFinished(t) } } : {}),
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.onBackgroundError ? { onBackgroundError: deps.onBackgroundError } : {}),
  });
  return {
    chat,
    tools,
    scratchpads,
    systemPrompt,
    shutdown: async () => {
      await chat.stopAll();
      scratchpads.stopAll();
      // Turns sealed by the stop above are in the index on disk before the process exits.
      await conversations.flushIndex();
    },
  };
}

export type { AgentArtifacts, AgentBackends, AgentPython, AgentVault, ProviderSettings } from './ports';
