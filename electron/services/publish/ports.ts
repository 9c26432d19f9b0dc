/**
 * The narrow views of other services that publishing needs. The composition root adapts the
 * real ArtifactStore, keychain, scrubber, vault and Python discovery to these; tests pass
 * small real implementations.
 */

export interface PublishArtifactRecord {
  id: string;
  slug: string;
  name: string;
  type: string;
  primary: string | null;
  datasources: { engine: string; name: string }[];
}

export interface ArtifactSource {
  /** Absolute folder of the artifact; throws for an unknown or unsafe slug. */
  dir(slug: string): Promise<string> | string;
  open(slug: string): Promise<PublishArtifactRecord>;
}

export interface SecretsPort {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<unknown>;
  /**
   * Makes sure every stored secret is known to the scrubber (retrying a start-up load that
   * failed, e.g. while the keychain was locked); the error when the keychain is unreadable.
   */
  ensureLoaded?(): Promise<Error | null>;
}

export interface ScrubberPort {
  /** Every registered secret value with its variable name, for the leak scan. */
  entries(): { name: string; value: string }[];
}

export interface VaultPort {
  /** True when the datasource with this connection slug (`<engine>-<name>`) is in the vault. */
  exists(connectionSlug: string): Promise<boolean> | boolean;
  /** The `DS_*` variables (with values) of these connections. */
  envFor(connectionSlugs: string[]): Promise<Record<string, string>> | Record<string, string>;
}

export interface PythonPort {
  /** The interpreter of the artifact's venv, or null when it has none yet. */
  venvPython(slug: string): Promise<string | null> | string | null;
}

export const API_KEY_ACCOUNT = 'publish.apiKey';
export const passwordAccount = (artifactId: string): string => `publish.password.${artifactId}`;

export const FULLSTACK_TYPES = ['fullstack-stateless-app', 'fullstack-stateful-app'] as const;
export function isFullstack(type: string): boolean {
  return (FULLSTACK_TYPES as readonly string[]).includes(type);
}

/** anton's connection slug and env prefix (anton-format.md §3). */
export function connectionSlug(ds: { engine: string; name: string }): string {
  return `${ds.engine}-${ds.name}`;
}
export function envPrefix(ds: { engine: string; name: string }): string {
  return `DS_${connectionSlug(ds).toUpperCase().replace(/\W/g, '_')}`;
}
