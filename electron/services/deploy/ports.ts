import type { Preflight } from '../../../shared/contract/publish';

/** The narrow views of other services that deploying needs; the composition root adapts the real ones. */

export interface DeploySourcePort {
  /** The publish review plus what it would ship (see PublishService.deploySource). */
  deploySource(slug: string): Promise<{
    record: { id: string; slug: string; name: string; type: string; datasources: { engine: string; name: string }[] };
    fullstack: boolean;
    entries: { name: string; abs: string; bytes: number }[];
    review: Preflight;
  }>;
}

export interface DeploySecretsPort {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<unknown>;
}

export interface DeployVaultPort {
  /** The `DS_*` variables (with values) of these connections. */
  envFor(connectionSlugs: string[]): Promise<Record<string, string>>;
}
