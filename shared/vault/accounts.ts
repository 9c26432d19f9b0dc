import { envVarName } from './catalog';

/**
 * The one home of keychain account names (the `account` of an entry under Kiln's keychain
 * service), for every reader and writer: the provider key, the publish key, per-artifact publish
 * passwords and datasource secrets. Shared because the contract (`secrets.set`) and the
 * settings screens name the app's own secrets too.
 */

export const PROVIDER_API_KEY_ACCOUNT = 'provider.apiKey';
export const PUBLISH_API_KEY_ACCOUNT = 'publish.apiKey';

/** The app's own secrets, which the user sets in Settings (the rest belong to datasources or artifacts). */
export const appSecretAccounts = [PROVIDER_API_KEY_ACCOUNT, PUBLISH_API_KEY_ACCOUNT] as const;
export type AppSecretAccount = (typeof appSecretAccounts)[number];

/**
 * The start-up environment variable that stands in for an app secret on a headless host (and
 * the name a scrubbed value of it shows as: `[OPENAI_API_KEY]`).
 */
export const APP_SECRET_ENV: Readonly<Record<AppSecretAccount, string>> = {
  [PROVIDER_API_KEY_ACCOUNT]: 'OPENAI_API_KEY',
  [PUBLISH_API_KEY_ACCOUNT]: 'KILN_PUBLISH_API_KEY',
};

const PUBLISH_PASSWORD_PREFIX = 'publish.password.';

/** The password of a published artifact, by the artifact's id (survives renames). */
export function publishPasswordAccount(artifactId: string): string {
  return `${PUBLISH_PASSWORD_PREFIX}${artifactId}`;
}

/** The artifact id of a publish-password account, or null for any other account. */
export function publishPasswordArtifactId(account: string): string | null {
  return account.startsWith(PUBLISH_PASSWORD_PREFIX) ? account.slice(PUBLISH_PASSWORD_PREFIX.length) : null;
}

/** A datasource secret is stored under its `DS_*` variable name (anton-format.md §3). */
export function datasourceSecretAccount(engine: string, name: string, field: string): string {
  return envVarName(engine, name, field);
}

export function isAppSecretAccount(account: string): account is AppSecretAccount {
  return (appSecretAccounts as readonly string[]).includes(account);
}

const MCP_PREFIX = 'mcp.';

/** What an MCP server secret belongs to: a variable, a header, or a command-line argument. */
export type McpSecretKind = 'env' | 'header' | 'arg';

/**
 * A secret environment value, header or argument of an MCP server (Settings → Tools), by server
 * name: `mcp.<server>.env.<NAME>`, `mcp.<server>.header.<Name>`, `mcp.<server>.arg.<key>` (the
 * key is stable across edits, e.g. `api-key` for `--api-key=…`, `url` for a URL's password). It
 * scrubs as `[MCP_<SERVER>_ENV_<NAME>]` (`…_ARG_<KEY>`).
 */
export function mcpSecretAccount(server: string, kind: McpSecretKind, name: string): string {
  return `${MCP_PREFIX}${server}.${kind}.${name}`;
}

/** The prefix of every secret account of one MCP server (to move or remove them all). */
export function mcpSecretPrefix(server: string): string {
  return `${MCP_PREFIX}${server}.`;
}

/** Credentials of a deploy target (TLS certificates and key, SSH key and passphrase), by target id. */
export const deployCredentialKinds = ['tlsCa', 'tlsCert', 'tlsKey', 'sshKey', 'sshPassphrase'] as const;
export type DeployCredentialKind = (typeof deployCredentialKinds)[number];
export function deployCredentialAccount(targetId: string, kind: DeployCredentialKind): string {
  return `deploy.${targetId}.${kind}`;
}
