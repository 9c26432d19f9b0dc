import { useCallback, useEffect, useState } from 'react';
import type { DatasourceCheck, DatasourceUse } from '../../../shared/contract/publish';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { datasourceSlug } from '../../../shared/vault/catalog';

interface Props {
  slug: string;
  /** The backend's state: the check runs again at every launch and stop. */
  state: string;
}

const dsSlug = (d: { engine: string; name: string }): string => datasourceSlug(d.engine, d.name);

/**
 * A backend made by anton may read `DS_*` variables its artifact never declared (anton hands a
 * backend every vault datasource; Kiln only the declared ones). Says which, with one click to
 * declare the datasource (the grant prompt then asks), importing it from anton's vault first
 * when only anton has it; and offers to import a declared datasource only anton's vault holds.
 */
export function DatasourceNotice({ slug, state }: Props) {
  const [check, setCheck] = useState<DatasourceCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call('publish.datasourceCheck', { slug }).then(setCheck, (e: unknown) => setError(errorMessage(e)));
  }, [slug]);
  useEffect(load, [load, state]);

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      load();
    }
  };

  const declare = (use: DatasourceUse): Promise<void> =>
    run(async () => {
      const ds = use.datasource!;
      if (use.source === 'anton') await api.call('vault.importConfirm', { slugs: [dsSlug(ds)] });
      setCheck(await api.call('publish.declareDatasource', { slug, datasource: { engine: ds.engine, name: ds.name } }));
    });

  const importMissing = (missingSlug: string): Promise<void> =>
    run(async () => {
      await api.call('vault.importConfirm', { slugs: [missingSlug] });
    });

  if (!check || (check.undeclared.length === 0 && check.missing.length === 0 && !error)) return null;
  const offered = new Set<string>();
  return (
    <div className="live-warning datasource-notice" role="alert" aria-live="polite">
      <ul>
        {check.undeclared.map((use) => {
          const key = use.datasource ? dsSlug(use.datasource) : null;
          const first = key !== null && !offered.has(key);
          if (key) offered.add(key);
          return (
            <li key={use.variable}>
              {use.file}:{use.line} uses {use.variable}, which this artifact doesn&apos;t declare.
              {!use.datasource && " No datasource in Kiln's or anton's vault provides it."}
              {use.datasource && first && (
                <Button variant="ghost" disabled={busy} onClick={() => void declare(use)}>
                  {use.source === 'anton' ? `Import ${use.datasource.label} from anton and declare it` : `Declare ${use.datasource.label}`}
                </Button>
              )}
            </li>
          );
        })}
        {check.missing.map((m) => (
          <li key={m.slug}>
            The app declares {m.slug}, which is not in Kiln&apos;s vault{m.inAnton ? " but is in anton's." : '. Add it under Settings → Datasources.'}
            {m.inAnton && (
              <Button variant="ghost" disabled={busy} onClick={() => void importMissing(m.slug)}>
                Import {m.slug} from anton
              </Button>
            )}
          </li>
        ))}
      </ul>
      {error && <p>{error}</p>}
    </div>
  );
}
