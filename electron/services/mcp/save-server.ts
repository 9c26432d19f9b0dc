import { KilnError } from '../../../shared/contract/core';
import type { McpServerInput } from '../../../shared/contract/mcp';
import { mcpSecretAccount } from '../../../shared/vault/accounts';
import type { StoredServer, StoredVar } from './config-store';
import { hasUrlCredentials, isSecretHeaderName, isSecretVarName } from './import-config';
import { checkUrl } from './launch';
import { storeArgs } from './secret-args';

/**
 * Turns the form's server into what the settings file keeps, moving secret values to the
 * keychain: a typed value replaces the stored one, an empty one keeps it (also across a rename
 * or a plain → secret switch, which moves the old plain value into the keychain), a variable
 * that is gone or no longer secret loses its keychain entry. Secrets inside arguments: secret-args.ts.
 */
export interface SecretWriter {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export function validateServer(input: McpServerInput): void {
  if (input.transport === 'stdio' && input.command.trim() === '') {
    throw new KilnError('VALIDATION', 'Enter the command that starts the server, e.g. npx or python3.');
  }
  if (input.transport === 'http') checkUrl(input.url.trim());
  for (const [kind, list] of [['variable', input.env], ['header', input.headers]] as const) {
    const seen = new Set<string>();
    for (const v of list) {
      const key = kind === 'header' ? v.name.toLowerCase() : v.name;
      if (seen.has(key)) throw new KilnError('VALIDATION', `The ${kind} ${v.name} is listed twice. Keep one.`);
      seen.add(key);
    }
  }
}

async function storeVars(
  kind: 'env' | 'header',
  next: McpServerInput['env'],
  before: StoredVar[],
  names: { from: string; to: string },
  secrets: SecretWriter,
): Promise<{ stored: StoredVar[]; obsolete: string[] }> {
  const stored: StoredVar[] = [];
  const obsolete: string[] = [];
  for (const given of next) {
    const old = before.find((b) => b.name === given.name);
    // A credential typed with the Secret box left unticked still goes to the keychain, never the file.
    const looksSecret = (kind === 'env' ? isSecretVarName(given.name) : isSecretHeaderName(given.name)) || hasUrlCredentials(given.value ?? '');
    const v = looksSecret ? { ...given, secret: true } : given;
    if (!v.secret) {
      stored.push({ name: v.name, secret: false, value: v.value ?? old?.value ?? '' });
      continue;
    }
    const account = mcpSecretAccount(names.to, kind, v.name);
    if (v.value !== undefined && v.value !== '') {
      await secrets.set(account, v.value);
    } else if (old && !old.secret && old.value) {
      await secrets.set(account, old.value);
    } else if (old?.secret && names.from !== names.to) {
      const moved = await secrets.get(mcpSecretAccount(names.from, kind, v.name));
      if (moved !== null) await secrets.set(account, moved);
    }
    stored.push({ name: v.name, secret: true });
  }
  for (const b of before) {
    if (!b.secret) continue;
    const kept = next.find((v) => v.name === b.name && v.secret);
    if (!kept || names.from !== names.to) obsolete.push(mcpSecretAccount(names.from, kind, b.name));
  }
  return { stored, obsolete };
}

/** The stored form of `input`; returns keychain accounts to delete once the file is saved. */
export async function toStored(
  input: McpServerInput,
  previous: StoredServer | undefined,
  secrets: SecretWriter,
): Promise<{ server: StoredServer; obsolete: string[] }> {
  validateServer(input);
  const names = { from: previous?.name ?? input.name, to: input.name };
  const env = await storeVars('env', input.transport === 'stdio' ? input.env : [], previous?.env ?? [], names, secrets);
  const headers = await storeVars('header', input.transport === 'http' ? input.headers : [], previous?.headers ?? [], names, secrets);
  const args = await storeArgs(input.transport === 'stdio' ? input.args : [], previous?.args ?? [], names, secrets);
  return {
    server: {
      name: input.name,
      transport: input.transport,
      command: input.transport === 'stdio' ? input.command.trim() : '',
      args: args.stored,
      cwd: input.transport === 'stdio' ? input.cwd.trim() : '',
      url: input.transport === 'http' ? input.url.trim() : '',
      env: env.stored,
      headers: headers.stored,
      enabled: input.enabled,
      timeoutSec: input.timeoutSec,
    },
    obsolete: [...env.obsolete, ...headers.obsolete, ...args.obsolete],
  };
}
