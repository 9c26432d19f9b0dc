import { KilnError } from '../../../shared/contract/core';
import { MCP_SECRET_MASK } from '../../../shared/contract/mcp';
import { mcpSecretAccount } from '../../../shared/vault/accounts';
import type { SecretArg, StoredArg } from './config-store';
import { isSecretHeaderName, isSecretVarName, urlPasswordAt } from './import-config';
import type { SecretWriter } from './save-server';

/**
 * Secrets inside a stdio server's command-line arguments. The settings file keeps such an
 * argument as a template (`before` + secret + `after`), the secret itself goes to the keychain
 * under `mcpSecretAccount(server, 'arg', key)` and is put back just before the spawn.
 *
 * An argument holds a secret when it
 * - contains a URL with a password (`postgresql://user:<secret>@host/db`, the variables' rule);
 * - is `--flag=<secret>` / `-flag=<secret>` / `NAME=<secret>` and the name looks like a
 *   credential (the variables' rule `isSecretVarName`, `-` read as `_`: `--api-key`, `--token`,
 *   `--password`, `GITHUB_TOKEN=`);
 * - follows such a flag given without `=` (`--api-key <secret>`), unless it starts with `-`;
 * - follows `--header` / `-H` as `Name: <secret>` with a credential header name (mcp-remote).
 *
 * Not secret, to keep false alarms low: flags that name where a secret is rather than the secret
 * (`--token-file`, `--key-path`, `--password-env`, `--auth-type`: see NOT_THE_VALUE), negated
 * flags (`--no-auth`), and values that only refer to a variable (`${API_TOKEN}`,
 * `Bearer $TOKEN`), which the server expands itself. A false alarm only puts a value in the
 * keychain and masks it in the form; the server still gets it.
 */

/** The last word of a credential-like flag that makes it name a place or a kind, not hold the secret. */
const NOT_THE_VALUE = new Set([
  'file', 'path', 'dir', 'folder', 'env', 'var', 'variable', 'type', 'kind', 'mode', 'method', 'scheme', 'name',
  'url', 'uri', 'endpoint', 'format', 'length', 'size', 'command', 'cmd', 'helper', 'store',
]);

const FLAG = /^-{1,2}([A-Za-z][A-Za-z0-9_.-]*)(?:=([\s\S]*))?$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]+)$/;
const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):(\s*)([\s\S]+)$/;
/** `${NAME}`, `$NAME`, `Bearer ${NAME}`: a reference the server expands, not a value. */
const REFERENCE = /^(?:\w+\s+)?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

/** The secret part of one argument as typed. */
export interface ArgSecret {
  /** The account key it would be stored under (before making it unique). */
  key: string;
  before: string;
  value: string;
  after: string;
}

export function isCredentialFlag(name: string): boolean {
  const words = name.toLowerCase().split(/[-_.]/);
  if (words[0] === 'no' || NOT_THE_VALUE.has(words[words.length - 1]!)) return false;
  return isSecretVarName(words.join('_'));
}

const keyOf = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-').slice(0, 48) || 'arg';

function part(arg: string, key: string, start: number, end: number): ArgSecret | null {
  const value = arg.slice(start, end);
  if (value === '' || REFERENCE.test(value)) return null;
  return { key: keyOf(key), before: arg.slice(0, start), value, after: arg.slice(end) };
}

function secretIn(arg: string, previous: string | undefined): ArgSecret | null {
  const url = urlPasswordAt(arg);
  if (url) return part(arg, 'url', url.start, url.end);
  const flag = FLAG.exec(arg);
  if (flag) return flag[2] !== undefined && isCredentialFlag(flag[1]!) ? part(arg, flag[1]!, arg.length - flag[2].length, arg.length) : null;
  const assignment = ASSIGNMENT.exec(arg);
  if (assignment) return isSecretVarName(assignment[1]!) ? part(arg, assignment[1]!, assignment[1]!.length + 1, arg.length) : null;
  const before = previous === undefined ? null : FLAG.exec(previous);
  if (!before || before[2] !== undefined || arg.startsWith('-')) return null;
  if (before[1] === 'H' || before[1]!.toLowerCase() === 'header') {
    const header = HEADER_LINE.exec(arg);
    if (!header || !isSecretHeaderName(header[1]!)) return null;
    return part(arg, `header-${header[1]!}`, header[1]!.length + 1 + header[2]!.length, arg.length);
  }
  return isCredentialFlag(before[1]!) ? part(arg, before[1]!, 0, arg.length) : null;
}

/** For each argument, its secret part or null (the one home of the rule above). */
export function findArgSecrets(args: readonly string[]): (ArgSecret | null)[] {
  return args.map((arg, i) => secretIn(arg, args[i - 1]));
}

export const isSecretArg = (arg: StoredArg): arg is SecretArg => typeof arg !== 'string';

/** The argument as the page sees it: the secret part masked. */
export function shownArg(arg: StoredArg): string {
  return isSecretArg(arg) ? `${arg.before}${MCP_SECRET_MASK}${arg.after}` : arg;
}

function uniqueKey(base: string, taken: Set<string>): string {
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

/** The stored secret an argument shown as `arg` (mask included) stands for, preferring the same key. */
function keptSecret(arg: string, found: ArgSecret | null, old: SecretArg[], used: Set<SecretArg>): SecretArg | null {
  if (!arg.includes(MCP_SECRET_MASK)) return null;
  const same = found?.value === MCP_SECRET_MASK ? old.filter((o) => !used.has(o) && o.before === found.before && o.after === found.after) : [];
  const match = same.find((o) => o.key === found!.key || o.key.startsWith(`${found!.key}-`)) ?? same[0];
  if (!match) {
    throw new KilnError(
      'VALIDATION',
      `The argument "${arg}" shows ${MCP_SECRET_MASK} (a secret kept in the keychain) but is not as Kiln showed it. Leave it exactly as shown to keep the secret, or type the whole argument again, secret included.`,
    );
  }
  used.add(match);
  return match;
}

/**
 * The stored form of the form's arguments, moving secret parts to the keychain: an argument sent
 * back as shown keeps its secret (moved on a rename), a typed one stores the new value. Returns
 * the keychain accounts to delete once the file is saved.
 */
export async function storeArgs(
  next: readonly string[],
  before: readonly StoredArg[],
  names: { from: string; to: string },
  secrets: SecretWriter,
): Promise<{ stored: StoredArg[]; obsolete: string[] }> {
  const found = findArgSecrets(next);
  const old = before.filter(isSecretArg);
  const used = new Set<SecretArg>();
  const kept = next.map((arg, i) => keptSecret(arg, found[i]!, old, used));
  const keys = new Set(kept.flatMap((k) => (k ? [k.key] : [])));
  const stored: StoredArg[] = [];
  for (const [i, arg] of next.entries()) {
    const keep = kept[i];
    const secret = found[i];
    if (keep) {
      if (names.from !== names.to) {
        const value = await secrets.get(mcpSecretAccount(names.from, 'arg', keep.key));
        if (value !== null) await secrets.set(mcpSecretAccount(names.to, 'arg', keep.key), value);
      }
      stored.push(keep);
    } else if (secret) {
      const key = uniqueKey(secret.key, keys);
      await secrets.set(mcpSecretAccount(names.to, 'arg', key), secret.value);
      stored.push({ secret: true, key, before: secret.before, after: secret.after });
    } else {
      stored.push(arg);
    }
  }
  const obsolete = old.filter((o) => names.from !== names.to || !keys.has(o.key)).map((o) => mcpSecretAccount(names.from, 'arg', o.key));
  return { stored, obsolete };
}

/** Whether a stored server still has a secret in clear among its arguments (a file from before secret arguments). */
export function hasClearSecretArg(args: readonly StoredArg[]): boolean {
  const found = findArgSecrets(args.map(shownArg));
  return args.some((arg, i) => typeof arg === 'string' && found[i] !== null);
}

/** Arguments kept for this run only (KILN_MCP_CONFIG): secret parts go to `remember`, not a file. */
export function argsInMemory(server: string, args: readonly string[], remember: (account: string, value: string) => void): StoredArg[] {
  const found = findArgSecrets(args);
  const keys = new Set<string>();
  return args.map((arg, i) => {
    const secret = found[i];
    if (!secret) return arg;
    const key = uniqueKey(secret.key, keys);
    remember(mcpSecretAccount(server, 'arg', key), secret.value);
    return { secret: true as const, key, before: secret.before, after: secret.after };
  });
}

/** The real arguments, read just before the spawn; a secret missing from the keychain is a clear error. */
export async function resolveArgs(server: string, args: readonly StoredArg[], read: (account: string) => Promise<string | null>): Promise<string[]> {
  const out: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (!isSecretArg(arg)) {
      out.push(arg);
      continue;
    }
    const value = await read(mcpSecretAccount(server, 'arg', arg.key));
    if (value === null) {
      throw new KilnError(
        'VALIDATION',
        `The secret in argument ${i + 1} (${shownArg(arg)}) of the MCP server "${server}" is not in the keychain. Edit the server in Settings → Tools and type that argument again in full.`,
      );
    }
    out.push(`${arg.before}${value}${arg.after}`);
  }
  return out;
}
