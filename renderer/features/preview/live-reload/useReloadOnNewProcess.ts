import { useEffect } from 'react';
import type { BackendStatus } from '../../../../shared/contract/backends';
import { useBackends } from '../../backends/store';

const servingPid = (status: BackendStatus | undefined): number | undefined => (status?.state === 'running' ? status.pid : undefined);

/**
 * Reloads an app's frame in place (route kept) the moment a new backend process serves it — a
 * live restart's switch or a manual Restart. It listens to the store itself, so the reload
 * starts while the `backends.state` event is handled, not after React has rendered and
 * painted (an effect ran up to a frame later, on every live restart).
 */
export function useReloadOnNewProcess(slug: string, reload: () => void): void {
  useEffect(() => {
    let servedBy = servingPid(useBackends.getState().statuses[slug]);
    return useBackends.subscribe((state) => {
      const pid = servingPid(state.statuses[slug]);
      if (pid === undefined) return;
      if (servedBy !== undefined && pid !== servedBy) reload();
      servedBy = pid;
    });
  }, [slug, reload]);
}
