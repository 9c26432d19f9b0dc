import { datasourceSlug } from '../../../shared/vault/catalog';

/** What a spawner needs from the grants (`GrantsService` satisfies it). */
export interface DatasourceGrants {
  split(record: { id: string; datasources: { engine: string; name: string }[] }): Promise<{ granted: { engine: string; name: string }[]; pending: { engine: string; name: string }[] }>;
}

/**
 * The declared datasources a backend or the scratchpad may get (granted) and the slugs still
 * waiting for the user. Without a grants service (unit tests of other parts) all declared pass.
 */
export async function grantedDatasources(
  grants: DatasourceGrants | undefined,
  record: { id: string; datasources: { engine: string; name: string }[] },
): Promise<{ granted: { engine: string; name: string }[]; pending: string[] }> {
  if (!grants) return { granted: record.datasources, pending: [] };
  const { granted, pending } = await grants.split(record);
  return { granted, pending: pending.map((d) => datasourceSlug(d.engine, d.name)) };
}
