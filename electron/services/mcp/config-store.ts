import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KilnError } from '../../../shared/contract/core';
import { mcpPermissions, mcpServerNameSchema, mcpTransports, type McpPermission } from '../../../shared/contract/mcp';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/**
 * `<userData>/mcp-servers.json`: the MCP servers the user added and the per-tool permissions.
 * A variable or header marked secret is stored here by name only; its value is in the keychain.
 */
const storedVar = z.object({ name: z.string().min(1).max(128), secret: z.boolean(), value: z.string().optional() }).strict();
/**
 * A command-line argument: plain text, or a template whose secret part (between `before` and
 * `after`) is in the keychain under `mcpSecretAccount(server, 'arg', key)` (see secret-args.ts).
 * Files from before secret arguments hold plain text only; the service migrates them at start.
 */
const storedArg = z.union([
  z.string(),
  z.object({ secret: z.literal(true), key: z.string().regex(/^[a-z0-9_.-]{1,64}$/), before: z.string(), after: z.string() }).strict(),
]);

export const storedServerSchema = z
  .object({
    name: mcpServerNameSchema,
    transport: z.enum(mcpTransports),
    command: z.string(),
    args: z.array(storedArg),
    cwd: z.string(),
    url: z.string(),
    env: z.array(storedVar),
    headers: z.array(storedVar),
    enabled: z.boolean(),
    timeoutSec: z.number().int().min(1).max(3600),
  })
  .strict();
export type StoredServer = z.infer<typeof storedServerSchema>;
export type StoredVar = z.infer<typeof storedVar>;
export type StoredArg = z.infer<typeof storedArg>;
export type SecretArg = Exclude<StoredArg, string>;

const fileSchema = z
  .object({
    version: z.literal(1),
    servers: z.array(storedServerSchema),
    /** server → tool → permission; a tool not named here is "ask". */
    permissions: z.record(z.string(), z.record(z.string(), z.enum(mcpPermissions))),
  })
  .strict();
export type McpConfigFile = z.infer<typeof fileSchema>;

const empty = (): McpConfigFile => ({ version: 1, servers: [], permissions: {} });

export class McpConfigStore {
  private data: McpConfigFile = empty();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly userData: string) {}

  file(): string {
    return path.join(this.userData, 'mcp-servers.json');
  }

  /** Reads the file; a broken one is left in place (renamed aside) and reported, never overwritten silently. */
  async load(): Promise<KilnError | null> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file(), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return new KilnError('IO', 'Kiln could not read its MCP server list; no MCP servers are loaded.', (error as Error).message);
    }
    try {
      this.data = fileSchema.parse(JSON.parse(raw));
      return null;
    } catch (error) {
      const aside = `${this.file()}.bak`;
      await fs.rename(this.file(), aside).catch(() => undefined);
      return new KilnError('IO', `Kiln's MCP server list was damaged and was set aside as ${aside}; add the servers again in Settings → Tools.`, (error as Error).message);
    }
  }

  servers(): StoredServer[] {
    return this.data.servers;
  }

  get(name: string): StoredServer | undefined {
    return this.data.servers.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  permission(server: string, tool: string): McpPermission {
    // Own keys only: a tool named `constructor` or `toString` must not read Object.prototype and skip "ask".
    const byTool = Object.hasOwn(this.data.permissions, server) ? this.data.permissions[server] : undefined;
    const value = byTool && Object.hasOwn(byTool, tool) ? byTool[tool] : undefined;
    return value === 'always' || value === 'never' ? value : 'ask';
  }

  /** Replaces the server named `previousName` (or adds one), keeping list order. */
  async put(server: StoredServer, previousName?: string): Promise<void> {
    await this.mutate((d) => {
      const at = d.servers.findIndex((s) => s.name === (previousName ?? server.name));
      const servers = [...d.servers];
      if (at >= 0) servers[at] = server;
      else servers.push(server);
      const permissions = { ...d.permissions };
      if (previousName && previousName !== server.name && permissions[previousName]) {
        permissions[server.name] = permissions[previousName]!;
        delete permissions[previousName];
      }
      return { ...d, servers, permissions };
    });
  }

  async remove(name: string): Promise<void> {
    await this.mutate((d) => {
      const permissions = { ...d.permissions };
      delete permissions[name];
      return { ...d, servers: d.servers.filter((s) => s.name !== name), permissions };
    });
  }

  async setPermission(server: string, tool: string, permission: McpPermission): Promise<void> {
    await this.mutate((d) => ({ ...d, permissions: { ...d.permissions, [server]: { ...d.permissions[server], [tool]: permission } } }));
  }

  private mutate(fn: (d: McpConfigFile) => McpConfigFile): Promise<void> {
    const next = this.queue.then(async () => {
      const updated = fileSchema.parse(fn(this.data));
      await writeStateFile(this.file(), toPrettyJson(updated));
      this.data = updated;
    });
    this.queue = next.catch(() => undefined);
    return next.catch((error: unknown) => {
      throw new KilnError('IO', 'Kiln could not save the MCP server list. Check that the settings folder is writable.', (error as Error).message);
    });
  }
}
