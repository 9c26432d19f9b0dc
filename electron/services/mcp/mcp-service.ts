import { promises as fs } from 'node:fs';
import { KilnError } from '../../../shared/contract/core';
import {
  MCP_TOOL_SEPARATOR,
  type McpDecision,
  type McpImportResult,
  type McpPermission,
  type McpPermissionRequest,
  type McpServerInput,
  type McpServerView,
  type McpVarView,
} from '../../../shared/contract/mcp';
import { mcpSecretAccount, mcpSecretPrefix } from '../../../shared/vault/accounts';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import { scrubJsonText } from '../vault/scrubber';
import { scrubNameFor } from '../vault/secrets';
import { McpConfigStore, type StoredServer, type StoredVar } from './config-store';
import { parseMcpServersJson } from './import-config';
import { buildLaunch } from './launch';
import { PermissionBroker } from './permissions';
import { McpPidFile } from './pid-file';
import { capResult, resultText } from './result';
import { toStored, type SecretWriter } from './save-server';
import { argsInMemory, hasClearSecretArg, shownArg, storeArgs } from './secret-args';
import { McpCallError, ServerConnection, type ConnectionDeps } from './server-connection';

/**
 * Settings → Tools (MCP): the servers the user added (and those `KILN_MCP_CONFIG` names for
 * this run), one live connection each, the per-tool permissions, and the calls the agent makes.
 */
export interface McpServiceDeps {
  userData: string;
  secrets: SecretWriter & { accounts(): Promise<string[]> };
  scrubber: { register(name: string, value: string): void };
  scrub: (text: string) => string;
  /** Start-up environment: only `KILN_MCP_CONFIG` is read. */
  env: NodeJS.ProcessEnv;
  /** What children inherit from (default `process.env`), filtered by the child-env builder. */
  hostEnv?: NodeJS.ProcessEnv;
  clientVersion: string;
  connection?: Pick<ConnectionDeps, 'backoffMs' | 'maxRestarts' | 'connectTimeoutMs'>;
}

/** A tool as the agent offers it to the model. */
export interface AgentMcpTool {
  qualified: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface AgentCallContext {
  conversationId: string;
  turnId: string;
  callId?: string;
  signal: AbortSignal;
}

export interface AgentCallResult {
  success: boolean;
  message: string;
  [key: string]: unknown;
}

interface Entry {
  server: StoredServer;
  source: 'settings' | 'environment';
  conn: ServerConnection;
}

/** `<server>__<tool>` with only the characters function names may use, at most 64. */
export function qualifiedName(server: string, tool: string): string {
  return `${server}${MCP_TOOL_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
}

export class McpService {
  private readonly entries = new Map<string, Entry>();
  private readonly envSecrets = new Map<string, string>();
  private readonly config: McpConfigStore;
  private readonly pids: McpPidFile;
  readonly broker = new PermissionBroker();
  private readonly changed = new Emitter<McpServerView[]>();
  private emitting: Promise<void> = Promise.resolve();
  /** Edits run one at a time: two quick saves of a new server must not start two connections. */
  private edits: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: McpServiceDeps) {
    this.config = new McpConfigStore(deps.userData);
    this.pids = McpPidFile.in(deps.userData);
  }

  onChanged(listener: (list: McpServerView[]) => void): Disposable {
    return this.changed.on(listener);
  }

  onPermissions(listener: (pending: McpPermissionRequest[]) => void): Disposable {
    return this.broker.onChanged(listener);
  }

  /** Reaps servers a crashed Kiln left, loads the list (+ `KILN_MCP_CONFIG`) and connects enabled servers in the background. Returns problems to tell the user. */
  async start(): Promise<KilnError[]> {
    const problems: KilnError[] = [];
    await this.pids.reapOrphans().catch(() => []);
    const problem = await this.config.load();
    if (problem) problems.push(problem);
    problems.push(...(await this.migrateClearArgs()));
    for (const server of this.config.servers()) this.add(server, 'settings');
    const file = this.deps.env.KILN_MCP_CONFIG?.trim();
    if (file) {
      const envProblem = await this.loadEnvironmentFile(file);
      if (envProblem) problems.push(envProblem);
    }
    for (const e of this.entries.values()) if (e.server.enabled) void e.conn.ensure().catch(() => undefined);
    return problems;
  }

  /** A file from before secret arguments may hold `--api-key=…` or a URL's password in clear: moved to the keychain, the file rewritten. */
  private async migrateClearArgs(): Promise<KilnError[]> {
    const problems: KilnError[] = [];
    for (const server of this.config.servers()) {
      if (!hasClearSecretArg(server.args)) continue;
      try {
        const names = { from: server.name, to: server.name };
        const { stored } = await storeArgs(server.args.map(shownArg), server.args, names, this.deps.secrets);
        await this.config.put({ ...server, args: stored });
      } catch (error) {
        problems.push(
          new KilnError(
            'IO',
            `The MCP server "${server.name}" has a secret in its arguments that Kiln could not move to the keychain, so it is still in mcp-servers.json. Check the keychain, then save the server again in Settings → Tools.`,
            this.deps.scrub((error as Error).message),
          ),
        );
      }
    }
    return problems;
  }

  /** The headless default: servers from an `mcpServers` file, for this run; a saved server of the same name wins. */
  private async loadEnvironmentFile(file: string): Promise<KilnError | null> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      return new KilnError('IO', `KILN_MCP_CONFIG names ${file}, which Kiln could not read; its MCP servers are not loaded.`, (error as Error).message);
    }
    try {
      const parsed = parseMcpServersJson(text);
      for (const input of parsed.servers) {
        if (this.find(input.name)) continue;
        const stored = {
          ...input,
          args: argsInMemory(input.name, input.args, (account, value) => this.remember(account, value)),
          env: this.keepInMemory(input.name, 'env', input.env),
          headers: this.keepInMemory(input.name, 'header', input.headers),
        };
        this.add(stored, 'environment');
      }
      const skipped = parsed.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
      return skipped ? new KilnError('VALIDATION', `Some MCP servers in ${file} (KILN_MCP_CONFIG) were skipped.`, skipped) : null;
    } catch (error) {
      return new KilnError('VALIDATION', `The MCP server file ${file} (KILN_MCP_CONFIG) could not be used: ${(error as Error).message}`);
    }
  }

  private keepInMemory(server: string, kind: 'env' | 'header', vars: McpServerInput['env']): StoredVar[] {
    return vars.map((v) => {
      if (!v.secret) return { name: v.name, secret: false, value: v.value ?? '' };
      if (v.value) this.remember(mcpSecretAccount(server, kind, v.name), v.value);
      return { name: v.name, secret: true };
    });
  }

  private remember(account: string, value: string): void {
    this.envSecrets.set(account, value);
    this.deps.scrubber.register(scrubNameFor(account), value);
  }

  private add(server: StoredServer, source: Entry['source']): Entry {
    const name = server.name;
    const entry: Entry = {
      server,
      source,
      conn: new ServerConnection({
        name,
        clientVersion: this.deps.clientVersion,
        launch: () => {
          const current = this.entries.get(name)?.server ?? server;
          return buildLaunch(current, this.deps.secrets, {
            ...(this.deps.hostEnv ? { hostEnv: this.deps.hostEnv } : {}),
            inMemorySecrets: this.envSecrets,
          });
        },
        onChange: () => this.emitChange(),
        onSpawn: (pid) => void this.pids.add(name, pid),
        onExit: (pid) => void this.pids.remove(pid),
        ...this.deps.connection,
      }),
    };
    this.entries.set(name, entry);
    return entry;
  }

  private find(name: string): Entry | undefined {
    return [...this.entries.values()].find((e) => e.server.name.toLowerCase() === name.toLowerCase());
  }

  private get(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new KilnError('NOT_FOUND', `There is no MCP server named "${name}". It may have been removed.`);
    return entry;
  }

  private editable(name: string): Entry {
    const entry = this.get(name);
    if (entry.source === 'environment') {
      throw new KilnError('FORBIDDEN', `"${name}" comes from the file KILN_MCP_CONFIG names; edit that file, or add a server of your own.`);
    }
    return entry;
  }

  async list(): Promise<McpServerView[]> {
    const accounts = new Set(await this.deps.secrets.accounts().catch(() => [] as string[]));
    return [...this.entries.values()].map((e) => this.view(e, accounts));
  }

  private view(e: Entry, accounts: Set<string>): McpServerView {
    const vars = (kind: 'env' | 'header', list: StoredVar[]): McpVarView[] =>
      list.map((v) => {
        const account = mcpSecretAccount(e.server.name, kind, v.name);
        return v.secret
          ? { name: v.name, secret: true, value: '', set: accounts.has(account) || this.envSecrets.has(account) }
          : { name: v.name, secret: false, value: v.value ?? '', set: true };
      });
    return {
      name: e.server.name,
      transport: e.server.transport,
      command: e.server.command,
      args: e.server.args.map(shownArg),
      cwd: e.server.cwd,
      url: e.server.url,
      env: vars('env', e.server.env),
      headers: vars('header', e.server.headers),
      enabled: e.server.enabled,
      timeoutSec: e.server.timeoutSec,
      source: e.source,
      state: e.server.enabled ? (e.conn.state === 'disabled' ? 'connecting' : e.conn.state) : 'disabled',
      tools: e.conn.tools.map((t) => ({ name: t.name, description: t.description.slice(0, 1000), permission: this.config.permission(e.server.name, t.name) })),
      lastError: e.conn.lastError === null ? null : this.deps.scrub(e.conn.lastError),
      restarts: e.conn.restarts,
    };
  }

  private async viewOf(name: string): Promise<McpServerView> {
    const accounts = new Set(await this.deps.secrets.accounts().catch(() => [] as string[]));
    return this.view(this.get(name), accounts);
  }

  private emitChange(): void {
    this.emitting = this.emitting.then(async () => this.changed.fire(await this.list())).catch(() => undefined);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.edits.then(fn);
    this.edits = next.catch(() => undefined);
    return next;
  }

  save(input: McpServerInput, previousName?: string): Promise<McpServerView> {
    return this.serial(() => this.saveNow(input, previousName));
  }

  private async saveNow(input: McpServerInput, previousName?: string): Promise<McpServerView> {
    const previous = previousName ? this.editable(previousName) : undefined;
    const clash = this.find(input.name);
    if (clash && clash !== previous) throw new KilnError('CONFLICT', `An MCP server named "${clash.server.name}" exists already. Choose another name.`);
    const { server, obsolete } = await toStored(input, previous?.server, this.deps.secrets);
    await this.config.put(server, previous?.server.name);
    for (const account of obsolete) await this.deps.secrets.delete(account).catch(() => false);
    if (previous) {
      await previous.conn.stop();
      this.entries.delete(previous.server.name);
    }
    const entry = this.add(server, 'settings');
    if (server.enabled) void entry.conn.ensure().catch(() => undefined);
    this.emitChange();
    return this.viewOf(server.name);
  }

  delete(name: string): Promise<void> {
    return this.serial(() => this.deleteNow(name));
  }

  private async deleteNow(name: string): Promise<void> {
    const entry = this.editable(name);
    await entry.conn.stop();
    await this.config.remove(entry.server.name);
    this.entries.delete(entry.server.name);
    const prefix = mcpSecretPrefix(entry.server.name);
    for (const account of await this.deps.secrets.accounts().catch(() => [] as string[])) {
      if (account.startsWith(prefix)) await this.deps.secrets.delete(account).catch(() => false);
    }
    this.emitChange();
  }

  async setEnabled(name: string, enabled: boolean): Promise<McpServerView> {
    const entry = this.get(name);
    entry.server = { ...entry.server, enabled };
    if (entry.source === 'settings') await this.config.put(entry.server);
    if (enabled) void entry.conn.restart().catch(() => undefined);
    else await entry.conn.stop();
    this.emitChange();
    return this.viewOf(name);
  }

  async restart(name: string): Promise<McpServerView> {
    const entry = this.get(name);
    if (!entry.server.enabled) throw new KilnError('CONFLICT', `"${name}" is turned off. Turn it on to start it.`);
    await entry.conn.restart().catch(() => undefined);
    return this.viewOf(name);
  }

  import(text: string): Promise<McpImportResult> {
    return this.serial(() => this.importNow(text));
  }

  private async importNow(text: string): Promise<McpImportResult> {
    const parsed = parseMcpServersJson(text);
    const added: string[] = [];
    const skipped = [...parsed.skipped];
    for (const server of parsed.servers) {
      if (this.find(server.name)) {
        skipped.push({ name: server.name, reason: 'a server with this name is already in Kiln' });
        continue;
      }
      try {
        await this.saveNow(server);
        added.push(server.name);
      } catch (error) {
        skipped.push({ name: server.name, reason: error instanceof Error ? this.deps.scrub(error.message) : String(error) });
      }
    }
    return { added, skipped };
  }

  async setPermission(server: string, tool: string, permission: McpPermission): Promise<McpServerView> {
    const entry = this.get(server);
    await this.config.setPermission(entry.server.name, tool, permission);
    this.emitChange();
    return this.viewOf(entry.server.name);
  }

  permissions(): McpPermissionRequest[] {
    return this.broker.pending();
  }

  answerPermission(id: string, decision: McpDecision): void {
    this.broker.answer(id, decision);
  }

  /** Tools of enabled servers, as the model sees them. Starts servers that should run but don't. */
  agentTools(): AgentMcpTool[] {
    const out: AgentMcpTool[] = [];
    const taken = new Set<string>();
    for (const e of this.entries.values()) {
      if (!e.server.enabled) continue;
      if (e.conn.state === 'disabled') void e.conn.ensure().catch(() => undefined);
      for (const t of e.conn.tools) {
        const qualified = qualifiedName(e.server.name, t.name);
        if (taken.has(qualified) || this.config.permission(e.server.name, t.name) === 'never') continue;
        taken.add(qualified);
        out.push({ qualified, server: e.server.name, tool: t.name, description: t.description, inputSchema: t.inputSchema });
      }
    }
    return out;
  }

  /** One call from the agent: permission, the call with its timeout, the result as text (capped). */
  async callForAgent(qualified: string, args: Record<string, unknown>, ctx: AgentCallContext): Promise<AgentCallResult> {
    const tool = this.agentTools().find((t) => t.qualified === qualified);
    if (!tool) return { success: false, message: `The MCP tool ${qualified} is not available any more (its server was turned off or removed).` };
    const entry = this.get(tool.server);
    const permission = this.config.permission(tool.server, tool.tool);
    if (permission === 'never') return { success: false, message: `denied: the user does not allow ${qualified}.` };
    if (permission === 'ask' && !this.broker.allowedInConversation(ctx.conversationId, qualified)) {
      const decision = await this.broker.ask(
        {
          conversationId: ctx.conversationId,
          turnId: ctx.turnId,
          callId: ctx.callId ?? '',
          server: tool.server,
          tool: tool.tool,
          args: scrubJsonText(JSON.stringify(args), this.deps.scrub),
        },
        qualified,
        ctx.signal,
      );
      if (ctx.signal.aborted) return { success: false, message: 'Stopped by the user.' };
      if (decision === 'deny') {
        return { success: false, message: `denied: the user denied this call of ${qualified}. Do not call it again unless the user asks; carry on without it.` };
      }
      if (decision === 'always') await this.setPermission(tool.server, tool.tool, 'always').catch(() => undefined);
    }
    try {
      const result = await entry.conn.call(tool.tool, args, ctx.signal, entry.server.timeoutSec * 1000);
      const { text, truncated } = capResult(resultText(result));
      if (result.isError) return { success: false, message: `${qualified} reported an error: ${text || '(no message)'}`, server: tool.server };
      return { success: true, message: text || '(the tool returned nothing)', server: tool.server, ...(truncated ? { truncated: true } : {}) };
    } catch (error) {
      if (error instanceof McpCallError || error instanceof KilnError) return { success: false, message: error.message, server: tool.server };
      return { success: false, message: `${qualified} failed: ${(error as Error).message}`, server: tool.server };
    }
  }

  /** On quit: every server stopped, stdio ones with their whole process group. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.conn.stop().catch(() => undefined)));
    await this.pids.idle();
  }
}
