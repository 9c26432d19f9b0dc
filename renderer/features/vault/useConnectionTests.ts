import { useCallback, useEffect, useRef, useState } from 'react';
import { isTestableEngine } from '../../../shared/contract/datasources';
import type { DatasourceView } from '../../../shared/contract/vault';
import { api, errorMessage } from '../../api/client';
import { useShell } from '../../stores/shell';

/**
 * "Test connection" on saved datasources: which ones are being tested right now, and the call.
 * The outcome is stored by main and comes back with the list (`vault.changed`); a failure says
 * its sentence in a toast too, so it is heard, not only seen.
 */
export function useConnectionTests(): { testing: ReadonlySet<string>; test(ds: DatasourceView): Promise<void> } {
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());
  const notify = useShell((s) => s.notify);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const test = useCallback(
    async (ds: DatasourceView): Promise<void> => {
      if (!isTestableEngine(ds.engine)) return;
      setTesting((s) => new Set(s).add(ds.slug));
      try {
        const result = await api.call('datasources.test', { slug: ds.slug });
        notify({ level: result.ok ? 'success' : 'error', message: `${ds.label}: ${result.message}` });
      } catch (e) {
        notify({ level: 'error', message: errorMessage(e) });
      } finally {
        if (mounted.current) {
          setTesting((s) => {
            const next = new Set(s);
            next.delete(ds.slug);
            return next;
          });
        }
      }
    },
    [notify],
  );
  return { testing, test };
}
