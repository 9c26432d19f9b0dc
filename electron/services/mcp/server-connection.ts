import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadMcpSdk, type McpSdk } from './sdk';
import type { ChildEnv } from '../process/child-env';
import type { McpServerState } from '../../../shared/contract/mcp';
import { KilnStdioTransport } from './stdio-transport';

/**
 * One MCP server as the agent uses it: connect (spawn or HTTP), list its tools, call one with a
 * timeout and the turn's Stop signal, and come back after a crash — restarted with backoff
 * while it keeps crashing (up to `maxRestarts`), and in any case on the next call.
 */
export type Launch =
  | { kind: 'stdio'; command: string; args: string[]; cwd: string; env: ChildEnv }
  | { kind: 'http'; url: string; headers: Record<string, string> };

export interface McpTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ConnectionDeps {
  name: string;
  /** Builds the launch (reads secrets from the keychain) each time the server starts. */
  launch: () => Promise<Launch>;
  clientVersion: string;
  onChange: () => void;
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
  /** Backoff before restart n (0-based), in ms. */
  backoffMs?: (attempt: number) => number;
  maxRestarts?: number;
  connectTimeoutMs?: number;
}

/** Connected this long before a crash: the crash counter starts over. */
const STABLE_MS = 60_000;

const defaultBackoff = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt);

export class McpCallError extends Error {}

export class ServerConnection {
  state: McpServerState = 'disabled';
  tools: McpTool[] = [];
  lastError: string | null = null;
  restarts = 0;

  private client: Client | null = null;
  /** Set by the first connect (the SDK is loaded then). */
  private sdk: McpSdk | null = null;
  private transport: Transport | null = null;
  private connecting: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private connectedAt = 0;
  private generation = 0;
  /** In-flight calls, failed at once when the server sends garbage or dies. */
  private readonly inflight = new Set<(error: Error) => void>();

  constructor(private readonly deps: ConnectionDeps) {}

  get name(): string {
    return this.deps.name;
  }

  /** Connects unless connected; concurrent callers share one attempt. */
  ensure(): Promise<void> {
    if (this.state === 'connected' && this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    this.clearRestart();
    this.stopping = false;
    const generation = ++this.generation;
    this.setState('connecting');
    let transport: Transport | null = null;
    try {
      const launch = await this.deps.launch();
      const sdk = (this.sdk ??= await loadMcpSdk());
      transport = this.makeTransport(sdk, launch, generation);
      const client = new sdk.Client({ name: 'kiln', version: this.deps.clientVersion }, { capabilities: {} });
      client.onclose = () => this.closed(generation);
      await client.connect(transport, { timeout: this.deps.connectTimeoutMs ?? 30_000 });
      this.client = client;
      this.transport = transport;
      this.tools = await this.listTools(client);
      client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, async () => {
        if (this.client !== client) return;
        this.tools = await this.listTools(client).catch(() => this.tools);
        this.deps.onChange();
      });
      this.lastError = null;
      this.connectedAt = Date.now();
      this.setState('connected');
    } catch (error) {
      const stderr = transport instanceof KilnStdioTransport ? transport.stderr() : '';
      this.generation++;
      await transport?.close().catch(() => undefined);
      this.client = null;
      this.transport = null;
      this.lastError = `Could not connect: ${describe(error)}${stderr ? ` — the server said: ${tail(stderr)}` : ''}`;
      this.setState('error');
      throw new McpCallError(`The MCP server "${this.name}" is not available. ${this.lastError}`);
    }
  }

  private makeTransport(sdk: McpSdk, launch: Launch, generation: number): Transport {
    if (launch.kind === 'http') {
      return new sdk.StreamableHTTPClientTransport(new URL(launch.url), { requestInit: { headers: launch.headers } });
    }
    return new KilnStdioTransport({
      serialize: sdk.serializeMessage,
      deserialize: sdk.deserializeMessage,
      command: launch.command,
      args: launch.args,
      ...(launch.cwd ? { cwd: launch.cwd } : {}),
      env: launch.env,
      onSpawn: (pid) => this.deps.onSpawn?.(pid),
      onExit: (pid, code, signal) => {
        this.deps.onExit?.(pid);
        if (generation === this.generation && !this.stopping) {
          this.lastError = `The server exited (${signal ? `signal ${signal}` : `code ${code}`}).`;
        }
      },
      onBadLine: (line, meant) => {
        if (!meant || generation !== this.generation) return;
        this.failInflight(new McpCallError(`The MCP server "${this.name}" sent a reply that is not valid JSON-RPC: ${line.slice(0, 160)}`));
      },
    });
  }

  private async listTools(client: Client): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: 30_000 });
      for (const t of page.tools) {
        tools.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: t.inputSchema as Record<string, unknown> });
      }
      cursor = page.nextCursor;
    } while (cursor && tools.length < 1000);
    return tools;
  }

  /** The transport closed: a crash unless we were stopping. */
  private closed(generation: number): void {
    if (generation !== this.generation) return;
    this.client = null;
    this.transport = null;
    const why = this.lastError ?? 'The connection closed.';
    this.failInflight(new McpCallError(`The MCP server "${this.name}" stopped while working (${why}) Kiln starts it again on the next call.`));
    if (this.stopping) return;
    // A server that ran fine for a while before this crash starts a fresh series of retries.
    if (Date.now() - this.connectedAt > STABLE_MS) this.restarts = 0;
    this.lastError = why;
    this.setState('error');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.restarts >= (this.deps.maxRestarts ?? 5)) {
      this.lastError = `${this.lastError ?? ''} Kiln stopped restarting it after ${this.restarts} tries; it starts again on the next call or with Restart.`.trim();
      this.deps.onChange();
      return;
    }
    const delay = (this.deps.backoffMs ?? defaultBackoff)(this.restarts);
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.ensure().catch(() => undefined);
    }, delay);
    this.restartTimer.unref?.();
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private failInflight(error: Error): void {
    for (const reject of [...this.inflight]) reject(error);
    this.inflight.clear();
  }

  /** Calls one tool. Throws McpCallError with a sentence for every failure. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<CallToolResult> {
    await this.ensure();
    const client = this.client;
    if (!client) throw new McpCallError(`The MCP server "${this.name}" is not connected. ${this.lastError ?? ''}`.trim());
    let reject: (error: Error) => void = () => undefined;
    const broken = new Promise<never>((_, r) => {
      reject = r;
    });
    this.inflight.add(reject);
    try {
      const result = await Promise.race([client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs }), broken]);
      return result as CallToolResult;
    } catch (error) {
      if (signal.aborted) throw new McpCallError('Stopped by the user.');
      // A client exists only after a connect, which loaded the SDK.
      const { McpError, ErrorCode } = this.sdk!;
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        throw new McpCallError(
          `The MCP server "${this.name}" did not answer ${tool} within ${Math.round(timeoutMs / 1000)} s, so Kiln gave up on this call. Try again with a smaller request, or raise the server's timeout in Settings → Tools.`,
        );
      }
      if (error instanceof McpCallError) throw error;
      if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
        throw new McpCallError(`The MCP server "${this.name}" stopped while running ${tool} (${this.lastError ?? 'connection closed'}). Kiln starts it again on the next call.`);
      }
      // Not an answer from the server (a dropped HTTP connection, a broken pipe): connect afresh next time.
      if (!(error instanceof McpError)) await this.drop(`The last call failed: ${describe(error)}`);
      throw new McpCallError(`The MCP server "${this.name}" failed to run ${tool}: ${describe(error)}`);
    } finally {
      this.inflight.delete(reject);
      // Nobody waits on `broken` once the call settled.
      broken.catch(() => undefined);
    }
  }

  /** Forgets a connection that stopped working; the next call connects again. */
  private async drop(why: string): Promise<void> {
    const { client, transport } = this;
    this.generation++;
    this.client = null;
    this.transport = null;
    this.lastError = why;
    await client?.close().catch(() => undefined);
    await transport?.close().catch(() => undefined);
    this.setState('error');
  }

  /** Stops the server (a stdio one with its whole process group); no restart follows. */
  async stop(state: McpServerState = 'disabled'): Promise<void> {
    this.stopping = true;
    this.clearRestart();
    this.generation++;
    const transport = this.transport;
    const client = this.client;
    this.client = null;
    this.transport = null;
    this.failInflight(new McpCallError(`The MCP server "${this.name}" was stopped.`));
    await client?.close().catch(() => undefined);
    await transport?.close().catch(() => undefined);
    this.tools = state === 'disabled' ? [] : this.tools;
    this.setState(state);
  }

  /** Restart by hand: forget the crash count and connect again. */
  async restart(): Promise<void> {
    await this.stop('connecting');
    this.restarts = 0;
    this.lastError = null;
    await this.ensure();
  }

  private setState(state: McpServerState): void {
    this.state = state;
    this.deps.onChange();
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^MCP error -?\d+: /, '');
}

function tail(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-3).join(' | ').slice(-400);
}
