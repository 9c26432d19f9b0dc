import { KilnError } from '../../../shared/contract/core';
import { mcpSecretAccount } from '../../../shared/vault/accounts';
import { childEnv, withOwnVariables } from '../process/child-env';
import type { StoredArg, StoredVar } from './config-store';
import { resolveArgs } from './secret-args';
import type { Launch } from './server-connection';

/**
 * How a configured server is started: a stdio server gets the minimal child environment
 * (`childEnv`: PATH, HOME, locale… — none of Kiln's own variables) plus its own configured
 * variables and its arguments (secret parts put back); an HTTP server gets its configured
 * headers. Secret values come from the keychain at each start (reading them registers them with
 * the scrubber).
 */
export interface LaunchSpec {
  name: string;
  transport: 'stdio' | 'http';
  command: string;
  args: StoredArg[];
  cwd: string;
  url: string;
  env: StoredVar[];
  headers: StoredVar[];
}

export interface SecretReader {
  get(account: string): Promise<string | null>;
}

async function values(spec: LaunchSpec, kind: 'env' | 'header', vars: StoredVar[], secrets: SecretReader, inMemory?: Map<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (!v.secret) {
      out[v.name] = v.value ?? '';
      continue;
    }
    const account = mcpSecretAccount(spec.name, kind, v.name);
    const value = inMemory?.get(account) ?? (await secrets.get(account));
    if (value === null) {
      throw new KilnError(
        'VALIDATION',
        `The secret ${kind === 'env' ? 'variable' : 'header'} ${v.name} of the MCP server "${spec.name}" has no value. Enter it in Settings → Tools.`,
      );
    }
    out[v.name] = value;
  }
  return out;
}

export function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KilnError('VALIDATION', `"${url.slice(0, 200)}" is not an address. Enter the server's full URL, e.g. http://127.0.0.1:3001/mcp.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new KilnError('VALIDATION', 'The server URL must start with http:// or https://.');
  if (parsed.username || parsed.password) throw new KilnError('VALIDATION', 'Put credentials in a secret header (e.g. Authorization), not in the URL.');
  return parsed;
}

export async function buildLaunch(
  spec: LaunchSpec,
  secrets: SecretReader,
  options: { hostEnv?: NodeJS.ProcessEnv; inMemorySecrets?: Map<string, string> } = {},
): Promise<Launch> {
  if (spec.transport === 'http') {
    checkUrl(spec.url);
    return { kind: 'http', url: spec.url, headers: await values(spec, 'header', spec.headers, secrets, options.inMemorySecrets) };
  }
  if (spec.command.trim() === '') throw new KilnError('VALIDATION', `The MCP server "${spec.name}" has no command. Enter one in Settings → Tools.`);
  const own = await values(spec, 'env', spec.env, secrets, options.inMemorySecrets);
  const args = await resolveArgs(spec.name, spec.args, async (account) => options.inMemorySecrets?.get(account) ?? (await secrets.get(account)));
  return {
    kind: 'stdio',
    command: spec.command,
    args,
    cwd: spec.cwd,
    env: withOwnVariables(childEnv(options.hostEnv ? { host: options.hostEnv } : {}), own),
  };
}
