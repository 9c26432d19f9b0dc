import { datasourceSlug, envPrefix as catalogEnvPrefix } from '../../../shared/vault/catalog';

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

/** A regular file inside an artifact, confined by the store: safe to zip. */
export interface ArtifactFile {
  /** Artifact-relative, `/` separated. */
  path: string;
  abs: string;
  bytes: number;
}

/**
 * The store's files service as publishing reads it (the one door to artifact files: paths
 * confined, bookkeeping files refused, tooling folders skipped).
 */
export interface ArtifactFilesPort {
  /** The content files (as files[] lists them). */
  list(slug: string): Promise<{ path: string; bytes: number }[]>;
  /** A regular content file, or null when absent, refused or outside the artifact. */
  find(slug: string, rel: string): Promise<ArtifactFile | null>;
  read(slug: string, rel: string): Promise<{ path: string; data: Buffer }>;
}

export interface ArtifactSource {
  /** Absolute folder of the artifact; throws for an unknown or unsafe slug. */
  dir(slug: string): Promise<string> | string;
  /** The record as stored (no walk of the folder: badges ask for many artifacts at once). */
  read(slug: string): Promise<PublishArtifactRecord>;
  /** Brings the record's files[] in line with the disk; called before a publish. */
  reconcile(slug: string): Promise<unknown>;
  /** The store's normal record update (declaring a datasource goes through it). */
  update?(slug: string, patch: { datasources: { engine: string; name: string }[] }): Promise<unknown>;
  files: ArtifactFilesPort;
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
  /** Makes a secret found outside the keychain (anton's plaintext password) scrubbed like the rest. */
  register(varName: string, value: string): void;
}

export interface VaultPort {
  /** True when the datasource with this connection slug (`<engine>-<name>`) is in the vault. */
  exists(connectionSlug: string): Promise<boolean> | boolean;
  /** The `DS_*` variables (with values) of these connections. */
  envFor(connectionSlugs: string[]): Promise<Record<string, string>> | Record<string, string>;
  /** Kiln's datasources (no secrets). */
  list?(): Promise<{ engine: string; name: string; label: string }[]>;
  /** What anton's vault holds (no secrets); `new` ones are not in Kiln yet. */
  importPreview?(): Promise<{ items: { engine: string; name: string; label: string; status: string }[] }>;
}

export interface PythonPort {
  /** The interpreter of the artifact's venv, or null when it has none yet. */
  venvPython(slug: string): Promise<string | null> | string | null;
}

/** Keychain accounts: named once in shared/vault/accounts. */
export { PUBLISH_API_KEY_ACCOUNT as API_KEY_ACCOUNT, publishPasswordAccount as passwordAccount } from '../../../shared/vault/accounts';


/** anton's connection slug and env prefix (anton-format.md §3), as defined by the vault catalog. */
export function connectionSlug(ds: { engine: string; name: string }): string {
  return datasourceSlug(ds.engine, ds.name);
}
export function envPrefix(ds: { engine: string; name: string }): string {
  return catalogEnvPrefix(ds.engine, ds.name);
}
