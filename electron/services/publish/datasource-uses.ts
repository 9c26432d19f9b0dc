import path from 'node:path';
import { isFullstackType } from '../../../shared/artifacts/rules';
import type { DatasourceCheck, DatasourceUse } from '../../../shared/contract/publish';
import { KilnError } from '../../../shared/contract/core';
import type { ArtifactSource } from './ports';
import { connectionSlug, envPrefix } from './ports';
import { dsVariables } from './python-imports';

/** A datasource as the check needs it: from Kiln's vault or anton's. */
export interface KnownDatasource {
  engine: string;
  name: string;
  label: string;
}

export interface DatasourceUsesDeps {
  artifacts: ArtifactSource & {
    update?(slug: string, patch: { datasources: { engine: string; name: string }[] }): Promise<unknown>;
  };
  /** Datasources in Kiln's vault. */
  kilnDatasources(): Promise<KnownDatasource[]>;
  /** Datasources in anton's vault that Kiln does not have yet (importable). */
  antonDatasources(): Promise<KnownDatasource[]>;
}

/** The variable's datasource part: `DS_POSTGRES_7E8971C3` of `DS_POSTGRES_7E8971C3__PASSWORD`. */
function prefixOf(variable: string): string {
  const cut = variable.indexOf('__');
  return cut > 0 ? variable.slice(0, cut) : variable;
}

/**
 * What a backend reads from the vault against what its artifact declares. anton hands a backend
 * every vault datasource; Kiln only the declared ones, so a backend anton made may read a
 * `DS_*` variable that will be empty here. Finds each such variable in the Python sources
 * (the publish check's scanner, one home), the datasource that provides it (Kiln's vault
 * first, then anton's), and the declared datasources Kiln's vault lacks but anton's has.
 */
export async function checkDatasourceUses(deps: DatasourceUsesDeps, slug: string): Promise<DatasourceCheck> {
  const record = await deps.artifacts.read(slug);
  if (!isFullstackType(record.type)) return { slug, undeclared: [], missing: [] };
  const [kiln, anton] = await Promise.all([deps.kilnDatasources(), deps.antonDatasources().catch(() => [])]);
  const declared = new Set(record.datasources.map(envPrefix));
  const byPrefix = (list: KnownDatasource[]): Map<string, KnownDatasource> => new Map(list.map((d) => [envPrefix(d), d]));
  const kilnByPrefix = byPrefix(kiln);
  const antonByPrefix = byPrefix(anton);

  const undeclared: DatasourceUse[] = [];
  const seen = new Set<string>();
  const sources = (await deps.artifacts.files.list(slug)).filter((f) => f.path.endsWith('.py')).sort((a, b) => (a.path === 'backend.py' ? -1 : b.path === 'backend.py' ? 1 : a.path < b.path ? -1 : 1));
  for (const file of sources) {
    let text: string;
    try {
      text = (await deps.artifacts.files.read(slug, file.path)).data.toString('utf8');
    } catch {
      continue;
    }
    for (const use of dsVariables(text)) {
      const prefix = prefixOf(use.name);
      if (declared.has(prefix) || seen.has(use.name)) continue;
      seen.add(use.name);
      const inKiln = kilnByPrefix.get(prefix);
      const inAnton = inKiln ? undefined : antonByPrefix.get(prefix);
      const found = inKiln ?? inAnton;
      undeclared.push({
        variable: use.name,
        file: file.path.split(path.sep).join('/'),
        line: use.line,
        datasource: found ? { engine: found.engine, name: found.name, label: found.label } : null,
        source: inKiln ? 'kiln' : inAnton ? 'anton' : null,
      });
    }
  }

  const kilnSlugs = new Set(kiln.map(connectionSlug));
  const antonSlugs = new Set(anton.map(connectionSlug));
  const missing = record.datasources
    .filter((d) => !kilnSlugs.has(connectionSlug(d)))
    .map((d) => ({ engine: d.engine, name: d.name, slug: connectionSlug(d), inAnton: antonSlugs.has(connectionSlug(d)) }));
  return { slug, undeclared, missing };
}

/** Adds a datasource to the artifact's record through the store's normal update (so the grant prompt follows). */
export async function declareDatasource(deps: DatasourceUsesDeps, slug: string, ds: { engine: string; name: string }): Promise<DatasourceCheck> {
  if (!deps.artifacts.update) throw new KilnError('UNAVAILABLE', 'Declaring a datasource is not available here.');
  const record = await deps.artifacts.read(slug);
  if (!isFullstackType(record.type)) throw new KilnError('VALIDATION', 'Only an app with a backend reads datasources.');
  if (!record.datasources.some((d) => connectionSlug(d) === connectionSlug(ds))) {
    await deps.artifacts.update(slug, { datasources: [...record.datasources, { engine: ds.engine, name: ds.name }] });
  }
  return checkDatasourceUses(deps, slug);
}
