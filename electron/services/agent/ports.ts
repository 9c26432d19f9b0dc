import type { PythonSandbox } from '../sandbox/port';
import type { DatasourceGrants } from '../grants/split';

/**
 * The narrow views of other services the agent needs. The composition root adapts the real
 * services to these; tests pass real implementations too. Keeping them narrow means the agent
 * can't reach anything a tool doesn't need (the LLM key, other artifacts' secrets…).
 */
export interface AgentArtifactRecord {
  slug: string;
  id: string;
  name: string;
  description: string;
  type: string;
  primary: string | null;
  port: number | null;
  datasources: { engine: string; name: string }[];
  files?: { path: string; bytes: number }[];
}

export interface AgentArtifacts {
  create(input: { name: string; description: string; type: string; primary?: string | null }): Promise<AgentArtifactRecord>;
  list(): Promise<{ slug: string; name: string; type: string | null; description: string }[]>;
  open(slug: string): Promise<AgentArtifactRecord>;
  update(
    slug: string,
    patch: { primary?: string | null; port?: number | null; datasources?: { engine: string; name: string }[] },
  ): Promise<AgentArtifactRecord>;
  /** Absolute artifact folder (the slug checked): the scratchpad's working directory. */
  dir(slug: string): Promise<string> | string;
  /**
   * The artifact's files, through the store's one door: confined to the folder, bookkeeping
   * files refused in any letter case, each write announced once as the agent's change.
   */
  files: {
    write(slug: string, rel: string, content: string): Promise<{ path: string; bytes: number }>;
    read(slug: string, rel: string, maxBytes: number): Promise<{ path: string; data: Buffer }>;
    /** What is at `rel`: a file, a folder, or nothing. */
    kind(slug: string, rel: string): Promise<'file' | 'dir' | null>;
    list(slug: string, sub?: string): Promise<{ path: string; bytes: number }[]>;
  };
  recordTurn(
    slug: string,
    turn: { conversation: string; title: string; index: number; timestamp: string; prompt: string; filesTouched: string[] },
  ): Promise<void>;
}

export interface AgentVault {
  /** Connected datasource slugs (`<engine>-<name>`). */
  list(): Promise<{ slug: string; engine: string; name: string; label?: string }[]>;
  exists(slug: string): Promise<boolean>;
  /** `DS_*` variables (with values) of the given datasource slugs. */
  envFor(slugs: string[]): Promise<Record<string, string>>;
  /** `DS_*` variable names of one datasource; never values. */
  envNames(slug: string): Promise<string[]>;
}

export interface AgentBackendStatus {
  state: string;
  url?: string;
  port?: number;
  error?: string;
  logTail?: string;
  warning?: string;
  /** A live restart after a code change: in progress, or failed (the old version serves). */
  reload?: { phase: 'restarting' | 'failed'; error?: string; logTail?: string };
}

export interface AgentBackends {
  launch(slug: string): Promise<AgentBackendStatus>;
  stop(slug: string): Promise<AgentBackendStatus>;
  status(slug: string): Promise<AgentBackendStatus> | AgentBackendStatus;
  logs(slug: string, tail: number): Promise<string[]>;
  /** After a write: what the backend restart it caused came to, or null when it caused none. */
  afterWrite?(slug: string, rel: string): Promise<AgentBackendStatus | null>;
}

export interface AgentPython {
  /** The interpreter to run an artifact's scratchpad with (its venv, created if needed). */
  interpreterFor(slug: string): Promise<string>;
  /** The OS sandbox the scratchpad runs in (docs/security.md); absent = unsandboxed. */
  sandbox?: PythonSandbox;
  /** Datasource consent: the scratchpad gets only granted datasources (absent = all declared). */
  grants?: DatasourceGrants;
}

export interface ProviderSettings {
  baseUrl: string;
  model: string;
  apiKey: string;
}
