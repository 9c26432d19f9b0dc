import { KilnError } from '../../../shared/contract/core';
import { MCP_SERVER_NAME_RULE, type McpServerInput } from '../../../shared/contract/mcp';
import { isSecretEnvName } from '../process/child-env';

/**
 * Reads the `mcpServers` JSON that Claude Desktop, Cursor, Cline and others use:
 * `{"mcpServers": {"<name>": {"command", "args", "env", "cwd"} | {"url", "headers", "type"}}}`
 * (VS Code's `{"servers": …}` too). Values marked secret by name — a variable that looks like a
 * credential (the child-env rule), a header such as Authorization or X-Api-Key — go to the
 * keychain when the server is saved.
 */
export interface ParsedImport {
  servers: McpServerInput[];
  skipped: { name: string; reason: string }[];
}

export const DEFAULT_TIMEOUT_SEC = 60;

/**
 * Variables that carry credentials: the child-env rule, plus names that merely contain a
 * credential word (`PGPASSWORD`, `GITHUB_PAT`-style tokens): a false alarm only puts a value in
 * the keychain, a miss would write a secret to disk.
 */
export function isSecretVarName(name: string): boolean {
  return isSecretEnvName(name) || /pass|secret|token|key|auth|credential|private|_pat$/i.test(name);
}

/** Where the password of the first URL with one sits in `value` (`postgresql://user:<pass>@host/db`), or null. */
export function urlPasswordAt(value: string): { start: number; end: number } | null {
  const m = /([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)([^\s/@]+)@/i.exec(value);
  if (!m) return null;
  const start = m.index + m[1]!.length;
  return { start, end: start + m[2]!.length };
}

/** A value with a password inside (`postgresql://user:pass@host/db`), whatever its variable is called. */
export function hasUrlCredentials(value: string): boolean {
  return urlPasswordAt(value) !== null;
}

/** Headers that carry credentials: stored in the keychain. */
export function isSecretHeaderName(name: string): boolean {
  return /auth|token|key|secret|cookie|password|session/i.test(name);
}

/** A name from another app as a Kiln server name (letters, digits, hyphens). */
export function toServerName(raw: string): string {
  return raw
    .trim()
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 40);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isRecord(v)) throw new Error(`"${what}" must be an object of names and text values`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${what}.${k} must be text`);
    out[k] = String(value);
  }
  return out;
}

function one(name: string, entry: unknown): McpServerInput {
  if (!isRecord(entry)) throw new Error('the entry is not an object');
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : undefined;
  if (type === 'sse') throw new Error('SSE servers are not supported; use the server’s streamable HTTP address');
  const enabled = entry.disabled !== true;
  if (typeof entry.url === 'string' || type === 'http' || type === 'streamable-http' || type === 'streamablehttp') {
    if (typeof entry.url !== 'string') throw new Error('"url" is missing');
    const url = new URL(entry.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the url must start with http:// or https://');
    return {
      name,
      transport: 'http',
      command: '',
      args: [],
      cwd: '',
      url: entry.url,
      env: [],
      headers: Object.entries(stringMap(entry.headers, 'headers')).map(([k, value]) => ({ name: k, secret: isSecretHeaderName(k), value })),
      enabled,
      timeoutSec: DEFAULT_TIMEOUT_SEC,
    };
  }
  if (typeof entry.command !== 'string' || entry.command.trim() === '') throw new Error('"command" (or "url") is missing');
  const args = entry.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new Error('"args" must be a list of text');
  return {
    name,
    transport: 'stdio',
    command: entry.command,
    args: args as string[],
    cwd: typeof entry.cwd === 'string' ? entry.cwd : '',
    url: '',
    env: Object.entries(stringMap(entry.env, 'env')).map(([k, value]) => ({ name: k, secret: isSecretVarName(k) || hasUrlCredentials(value), value })),
    headers: [],
    enabled,
    timeoutSec: DEFAULT_TIMEOUT_SEC,
  };
}

export function parseMcpServersJson(text: string): ParsedImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KilnError('VALIDATION', `That is not valid JSON (${(error as Error).message}). Paste the whole file, e.g. {"mcpServers": {…}}.`);
  }
  const map = isRecord(json) ? (json.mcpServers ?? json.servers) : undefined;
  if (!isRecord(map)) {
    throw new KilnError('VALIDATION', 'No "mcpServers" object found. The file should look like {"mcpServers": {"name": {"command": "…"}}}.');
  }
  const servers: McpServerInput[] = [];
  const skipped: ParsedImport['skipped'] = [];
  for (const [rawName, entry] of Object.entries(map)) {
    const name = toServerName(rawName);
    if (!MCP_SERVER_NAME_RULE.test(name)) {
      skipped.push({ name: rawName, reason: 'its name has no letters or digits Kiln can use' });
      continue;
    }
    try {
      const server = one(name, entry);
      const bad = [...server.env, ...server.headers].find((v) => !/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(v.name));
      if (bad) throw new Error(`"${bad.name}" is not a usable variable or header name`);
      servers.push(server);
    } catch (error) {
      skipped.push({ name: rawName, reason: (error as Error).message });
    }
  }
  return { servers, skipped };
}
