import { useEffect, useRef, useState } from 'react';
import type { Deployment } from '../../../shared/contract/deploy';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { useDeploy } from './store';

/** The container's log, live (scrubbed in main) while the dialog is open. */
export function LogsDialog({ deployment, onClose }: { deployment: Deployment; onClose(): void }) {
  const text = useDeploy((s) => s.logs[deployment.id]);
  const setLog = useDeploy((s) => s.setLog);
  const [error, setError] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let live = true;
    setLog(deployment.id, '');
    api
      .call('deploy.logs', { id: deployment.id, follow: true })
      .then(({ text: tail }) => {
        if (live) setLog(deployment.id, tail || deployment.logTail || '');
      })
      .catch((e: unknown) => setError(errorMessage(e)));
    return () => {
      live = false;
      void api.call('deploy.unfollowLogs', { id: deployment.id }).catch(() => undefined);
    };
  }, [deployment.id, deployment.logTail, setLog]);

  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);

  return (
    <Dialog open title={`Logs — ${deployment.name}`} onClose={onClose} wide footer={<Button onClick={onClose}>Close</Button>}>
      {error && <p className="error-text" role="alert">{error}</p>}
      <pre ref={pre} className="deploy-log" aria-label="Container log" tabIndex={0}>
        {text || 'No output yet.'}
      </pre>
    </Dialog>
  );
}
