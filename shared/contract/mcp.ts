import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';

/**
 * MCP servers the agent may use (Settings → Tools). A server is a local command (stdio) or a
 * remote URL (streamable HTTP). Its configuration lives in `<userData>/mcp-servers.json`
 * without secrets: an environment variable or header marked secret keeps only its name there,
 * a secret inside an argument (a URL's password, `--api-key=…`) only a placeholder; the value
 * goes to the OS keychain (`mcpSecretAccount` in `shared/vault/accounts.ts`) and is never sent
 * back to the page.
 */

/** The server name is also the prefix of its tools for the model (`<server>__<tool>`). */
export const MCP_SERVER_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
export const mcpServerNameSchema = z
  .string()
  .regex(MCP_SERVER_NAME_RULE, 'Name the server with letters, digits and hyphens (up to 40 characters), e.g. "warehouse".');

/**
 * Stands in for a secret inside a command-line argument (`--api-key=••••`,
 * `postgresql://user:••••@host/db`). The page shows arguments with it; an argument sent back
 * exactly as shown keeps the stored secret, one typed in full replaces it.
 */
export const MCP_SECRET_MASK = '••••';

/** What separates the server from the tool in the name the model sees. */
export const MCP_TOOL_SEPARATOR = '__';

export const mcpPermissions = ['ask', 'always', 'never'] as const;
export type McpPermission = (typeof mcpPermissions)[number];

export const mcpTransports = ['stdio', 'http'] as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'An environment variable name uses letters, digits and _ and does not start with a digit.');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'A header name uses letters, digits and - (e.g. Authorization).');

/**
 * One variable or header as the form sends it. For a secret one, `value` absent or empty keeps
 * the stored value; a value replaces it.
 */
const varInput = <N extends z.ZodType<string>>(name: N) =>
  z.object({ name, secret: z.boolean(), value: z.string().max(64_000).optional() }).strict();

/** One variable or header as the page sees it: a secret one has no value, only whether it is set. */
const varView = z.object({ name: z.string(), secret: z.boolean(), value: z.string(), set: z.boolean() });
export type McpVarView = z.infer<typeof varView>;

export const mcpServerInputSchema = z
  .object({
    name: mcpServerNameSchema,
    transport: z.enum(mcpTransports),
    command: z.string().max(4096),
    /** One per item; an item still showing `MCP_SECRET_MASK` as the view gave it keeps that stored secret. */
    args: z.array(z.string().max(4096)).max(100),
    cwd: z.string().max(4096),
    url: z.string().max(2048),
    env: z.array(varInput(envName)).max(100),
    headers: z.array(varInput(headerName)).max(50),
    enabled: z.boolean(),
    /** How long one tool call may take before it is abandoned. */
    timeoutSec: z.number().int().min(1).max(3600),
  })
  .strict();
export type McpServerInput = z.infer<typeof mcpServerInputSchema>;

export const mcpServerStates = ['disabled', 'connecting', 'connected', 'error'] as const;
export type McpServerState = (typeof mcpServerStates)[number];

export const mcpToolViewSchema = z.object({
  name: z.string(),
  description: z.string(),
  permission: z.enum(mcpPermissions),
});

export const mcpServerViewSchema = z.object({
  name: z.string(),
  transport: z.enum(mcpTransports),
  command: z.string(),
  /** The arguments with every secret part replaced by `MCP_SECRET_MASK` (the value stays in main). */
  args: z.array(z.string()),
  cwd: z.string(),
  url: z.string(),
  env: z.array(varView),
  headers: z.array(varView),
  enabled: z.boolean(),
  timeoutSec: z.number(),
  /** `environment`: loaded from the file `KILN_MCP_CONFIG` names, for this run only (not editable). */
  source: z.enum(['settings', 'environment']),
  state: z.enum(mcpServerStates),
  tools: z.array(mcpToolViewSchema),
  /** The last failure, as a sentence (scrubbed); null once the server works again. */
  lastError: z.string().nullable(),
  /** Restarts after crashes since the server was last started by hand. */
  restarts: z.number().int().min(0),
});
export type McpServerView = z.infer<typeof mcpServerViewSchema>;

export const mcpImportResultSchema = z.object({
  added: z.array(z.string()),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type McpImportResult = z.infer<typeof mcpImportResultSchema>;

/** A tool call waiting for the user's answer (permission "ask"). */
export const mcpPermissionRequestSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  turnId: z.string(),
  callId: z.string(),
  server: z.string(),
  tool: z.string(),
  /** The (scrubbed) JSON arguments the tool would get. */
  args: z.string(),
});
export type McpPermissionRequest = z.infer<typeof mcpPermissionRequestSchema>;

export const mcpDecisions = ['once', 'always', 'deny'] as const;
export type McpDecision = (typeof mcpDecisions)[number];

const nameRef = z.object({ name: mcpServerNameSchema });

export const mcpEndpoints = {
  'mcp.list': defineEndpoint('mcp.list', { input: z.void(), output: z.array(mcpServerViewSchema) }),
  /** Adds a server, or replaces the one named `previousName` (a rename moves its secrets). */
  'mcp.save': defineEndpoint('mcp.save', {
    input: z.object({ previousName: mcpServerNameSchema.optional(), server: mcpServerInputSchema }).strict(),
    output: mcpServerViewSchema,
  }),
  'mcp.delete': defineEndpoint('mcp.delete', { input: nameRef, output: z.void() }),
  'mcp.setEnabled': defineEndpoint('mcp.setEnabled', {
    input: nameRef.extend({ enabled: z.boolean() }),
    output: mcpServerViewSchema,
  }),
  /** Stops and starts the server again (also clears the crash counter). */
  'mcp.restart': defineEndpoint('mcp.restart', { input: nameRef, output: mcpServerViewSchema }),
  /** Adds the servers of an `mcpServers` JSON text (Claude Desktop's format), pasted or read from a file. */
  'mcp.import': defineEndpoint('mcp.import', {
    input: z.object({ text: z.string().min(1, 'Paste the JSON first.').max(1_000_000) }).strict(),
    output: mcpImportResultSchema,
  }),
  'mcp.setPermission': defineEndpoint('mcp.setPermission', {
    input: z.object({ server: mcpServerNameSchema, tool: z.string().min(1).max(200), permission: z.enum(mcpPermissions) }).strict(),
    output: mcpServerViewSchema,
  }),
  /** Tool calls waiting for Allow / Always / Deny (after a reload). */
  'mcp.permissions': defineEndpoint('mcp.permissions', { input: z.void(), output: z.array(mcpPermissionRequestSchema) }),
  'mcp.answerPermission': defineEndpoint('mcp.answerPermission', {
    input: z.object({ id: z.string().min(1).max(100), decision: z.enum(mcpDecisions) }).strict(),
    output: z.void(),
  }),
};

export const mcpEvents = {
  /** The whole server list with status, after any change (a connect, a crash, an edit). */
  'mcp.changed': defineEvent('mcp.changed', z.array(mcpServerViewSchema)),
  /** The calls now waiting for the user's answer (the whole list). */
  'mcp.permissions': defineEvent('mcp.permissions', z.array(mcpPermissionRequestSchema)),
};
