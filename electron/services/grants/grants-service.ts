import type { DatasourceRef } from '../../../shared/contract/artifacts';
import type { DatasourceRequest, GrantState } from '../../../shared/contract/grants';
import { KilnError } from '../../../shared/contract/core';
import { datasourceSlug } from '../../../shared/vault/catalog';
import type { GrantStore } from './grant-store';

export interface GrantsDeps {
  store: GrantStore;
  /** The artifact's record as stored (id and declared datasources). */
  artifact(slug: string): Promise<{ id: string; datasources: DatasourceRef[] }>;
  /** The vault's datasources: names, labels and field names (never values). */
  datasources(): Promise<{ slug: string; engine: string; name: string; label: string; fields: Record<string, string>; secrets: Record<string, boolean> }[]>;
}

/** What a spawner may give an artifact: the declared datasources the user allowed, and the rest. */
export interface GrantSplit {
  granted: DatasourceRef[];
  pending: DatasourceRef[];
}

/**
 * Consent for datasources: declaring one is a request; the backend and the scratchpad get
 * only the granted ones. Grants are made here, from the user's prompt, never by an agent tool.
 */
export class GrantsService {
  constructor(private readonly d: GrantsDeps) {}

  /** For the supervisor and the scratchpad: split a record's declarations into granted and pending. */
  async split(record: { id: string; datasources: DatasourceRef[] }): Promise<GrantSplit> {
    const granted = await this.d.store.granted(record.id);
    const out: GrantSplit = { granted: [], pending: [] };
    for (const ds of record.datasources) (granted.has(datasourceSlug(ds.engine, ds.name)) ? out.granted : out.pending).push(ds);
    return out;
  }

  async get(slug: string): Promise<GrantState> {
    const record = await this.d.artifact(slug);
    const { granted, pending } = await this.split(record);
    const vault = await this.d.datasources().catch(() => []);
    const describe = (ds: DatasourceRef): DatasourceRequest => {
      const dsSlug = datasourceSlug(ds.engine, ds.name);
      const v = vault.find((x) => x.slug === dsSlug);
      return {
        slug: dsSlug,
        engine: ds.engine,
        name: ds.name,
        ...(v?.label ? { label: v.label } : {}),
        fields: v ? [...Object.keys(v.fields), ...Object.keys(v.secrets)].sort() : [],
        exists: Boolean(v),
      };
    };
    return { slug, granted: granted.map(describe), pending: pending.map(describe) };
  }

  /** The user's answer to the prompt. Only datasources the artifact declares can be allowed. */
  async allow(slug: string, datasources: string[]): Promise<GrantState> {
    const record = await this.d.artifact(slug);
    const declared = new Set(record.datasources.map((ds) => datasourceSlug(ds.engine, ds.name)));
    const unknown = datasources.filter((ds) => !declared.has(ds));
    if (unknown.length > 0) {
      throw new KilnError('VALIDATION', `"${slug}" does not declare ${unknown.join(', ')}; only datasources an app asks for can be allowed.`);
    }
    await this.d.store.change(record.id, datasources, true);
    return this.get(slug);
  }

  async revoke(slug: string, datasources: string[]): Promise<GrantState> {
    const record = await this.d.artifact(slug);
    await this.d.store.change(record.id, datasources, false);
    return this.get(slug);
  }
}
