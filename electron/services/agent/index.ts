import type { ChatStreamEvent } from '../../../shared/contract/chat';
import { ChatService, type ChatLimits } from './chat-service';
import { ConversationStore } from './conversation-store';
import { ModelClient, type RetryPolicy } from './model-client';
import type { AgentArtifacts, AgentBackends, AgentPython, AgentVault, ProviderSettings } from './ports';
import { renderPrompt } from './prompts';
import { PythonScratchpads } from './python-scratchpad';
import { artifactTools } from './tools/artifact-tools';
import { fileTools } from './tools/file-tools';
import { ToolRegistry } from './tools/registry';
import { runTools } from './tools/run-tools';

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
}

export interface Agent {
  chat: ChatService;
  tools: ToolRegistry;
  scratchpads: PythonScratchpads;
  systemPrompt(): Promise<string>;
  shutdown(): Promise<void>;
}

export function createAgent(deps: AgentDeps): Agent {
  const scratchpads = new PythonScratchpads();
  const tools = new ToolRegistry([
    ...artifactTools(deps.artifacts, deps.vault),
    ...fileTools(deps.artifacts),
    ...runTools({ ...deps, scratchpads }),
  ]);
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
      artifacts: artifacts.map((a) => ({ slug: a.slug, name: a.name, type: a.type ?? 'unreadable' })),
    });
    // Belt and braces: a label or artifact name could contain a secret value.
    return deps.scrub(text);
  };
  const chat = new ChatService({
    store: new ConversationStore(deps.workspaceDir),
    model: new ModelClient(deps.retry),
    tools,
    provider: deps.provider,
    scrub: deps.scrub,
    systemPrompt,
    emit: deps.emit,
    recordTurn: (slug, turn) => deps.artifacts.recordTurn(slug, turn),
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
    },
  };
}

export type { AgentArtifacts, AgentBackends, AgentPython, AgentVault, ProviderSettings } from './ports';
