import { useCallback, useEffect, useState } from 'react';
import type { KilnError } from '../../../shared/contract/core';
import type { DeployReview, Deployment, RestartPolicy } from '../../../shared/contract/deploy';
import { api, toKilnError } from '../../api/client';
import { useDeploy } from './store';

export type DeployPhase = 'review' | 'deploying' | 'done';

/** The Deploy sheet's state: the review, the choices, the run and its result. */
export function useDeploySheet(slug: string) {
  const [review, setReview] = useState<DeployReview | null>(null);
  const [loadError, setLoadError] = useState<KilnError | null>(null);
  const [targetId, setTargetId] = useState('local');
  const [port, setPort] = useState('');
  const [policy, setPolicy] = useState<RestartPolicy>('unless-stopped');
  const [phase, setPhase] = useState<DeployPhase>('review');
  const [error, setError] = useState<KilnError | null>(null);
  const [result, setResult] = useState<Deployment | null>(null);
  const clearProgress = useDeploy((s) => s.clearProgress);
  const upsert = useDeploy((s) => s.upsert);

  const reload = useCallback(async () => {
    setLoadError(null);
    try {
      const r = await api.call('deploy.review', { slug });
      setReview(r);
      const current = r.deployments[0];
      if (current) {
        setTargetId(current.targetId);
        setPolicy(current.restartPolicy);
      }
      setPort((p) => p || String(r.suggestedPort));
    } catch (e) {
      setLoadError(toKilnError(e));
    }
  }, [slug]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const portNumber = Number(port);
  const portError = port === '' || (Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535) ? null : 'Use a port from 1 to 65535.';
  const canDeploy = review !== null && review.review.blocking.length === 0 && phase !== 'deploying' && port !== '' && portError === null;

  const deploy = async (): Promise<void> => {
    if (!canDeploy) return;
    setPhase('deploying');
    setError(null);
    clearProgress(slug);
    try {
      const d = await api.call('deploy.start', { slug, targetId, hostPort: portNumber, restartPolicy: policy });
      upsert(d);
      setResult(d);
      setPhase('done');
    } catch (e) {
      setError(toKilnError(e));
      setPhase('review');
      void reload();
    }
  };

  return { review, loadError, reload, targetId, setTargetId, port, setPort, portError, policy, setPolicy, phase, error, result, canDeploy, deploy };
}
