import { useState } from 'react';
import type { Deployment } from '../../../shared/contract/deploy';
import { api, errorMessage, toKilnError } from '../../api/client';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { useShell } from '../../stores/shell';
import { LinkTo } from '../publish/SheetParts';
import { LogsDialog } from './LogsDialog';
import { useDeploy } from './store';

const STATUS_LABEL: Record<Deployment['status'], string> = {
  deploying: 'Deploying',
  running: 'Running',
  unhealthy: 'Unhealthy',
  stopped: 'Stopped',
  failed: 'Failed',
};

function tagOf(image: string | null): string {
  return image ? image.slice(image.lastIndexOf(':') + 1) : '—';
}

/** Deployments (of one artifact, or all): status, URL, tag, and the lifecycle actions. */
export function DeploymentsList({ items, showArtifact }: { items: Deployment[]; showArtifact?: boolean }) {
  const notify = useShell((s) => s.notify);
  const upsert = useDeploy((s) => s.upsert);
  const load = useDeploy((s) => s.load);
  const [busy, setBusy] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Deployment | null>(null);
  const [logsOf, setLogsOf] = useState<Deployment | null>(null);

  const act = async (d: Deployment, what: 'redeploy' | 'rollback' | 'stop'): Promise<void> => {
    setBusy(d.id);
    try {
      const next = await api.call(`deploy.${what}`, { id: d.id });
      upsert(next);
      notify({ level: 'success', message: what === 'stop' ? `Stopped ${d.name}.` : `${d.name} is running at ${next.url ?? ''}` });
    } catch (e) {
      const err = toKilnError(e);
      notify({ level: 'error', message: err.message, details: err.details });
      void load();
    } finally {
      setBusy(null);
    }
  };
  const remove = async (d: Deployment): Promise<void> => {
    setBusy(d.id);
    try {
      await api.call('deploy.remove', { id: d.id });
      setRemoving(null);
      void load();
    } catch (e) {
      notify({ level: 'error', message: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  const openUrl = (url: string): void => {
    api.call('app.openExternal', { url }).catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
  };

  if (items.length === 0) return <p className="muted">No deployments yet.</p>;
  return (
    <>
      <table className="deploy-table">
        <thead>
          <tr>
            {showArtifact && <th scope="col">Artifact</th>}
            <th scope="col">Target</th>
            <th scope="col">URL</th>
            <th scope="col">Image tag</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-testid={`deployment-${d.slug}`}>
              {showArtifact && <td>{d.name}</td>}
              <td>{d.targetName}</td>
              <td>{d.url && d.status !== 'stopped' ? <LinkTo url={d.url} onOpen={openUrl} /> : <span className="muted">port {d.hostPort}</span>}</td>
              <td>
                <code>{tagOf(d.image)}</code>
              </td>
              <td>
                <span className={`deploy-status deploy-status-${d.status}`}>{STATUS_LABEL[d.status]}</span>
                {d.message && <div className="muted deploy-message">{d.message}</div>}
              </td>
              <td>{d.startedAt ? <time dateTime={d.startedAt}>{new Date(d.startedAt).toLocaleString()}</time> : '—'}</td>
              <td className="deploy-actions">
                <Button onClick={() => void act(d, 'redeploy')} disabled={busy !== null} aria-label={`Redeploy ${d.name}`}>
                  Redeploy
                </Button>
                <Button onClick={() => void act(d, 'rollback')} disabled={busy !== null || d.previousImages.length === 0} aria-label={`Roll back ${d.name}`} title={d.previousImages[0] ? `Back to ${tagOf(d.previousImages[0])}` : 'No earlier version'}>
                  Rollback
                </Button>
                <Button onClick={() => void act(d, 'stop')} disabled={busy !== null || d.status === 'stopped'} aria-label={`Stop ${d.name}`}>
                  Stop
                </Button>
                <Button onClick={() => setLogsOf(d)} disabled={!d.containerId && !d.logTail} aria-label={`Logs of ${d.name}`}>
                  Logs
                </Button>
                <Button variant="danger" onClick={() => setRemoving(d)} disabled={busy !== null} aria-label={`Remove ${d.name}`}>
                  Remove
                </Button>
                {busy === d.id && <span className="muted"> Working…</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={removing !== null}
        title="Remove this deployment?"
        message="Its container stops and its images are deleted from the engine. The artifact itself is not touched."
        confirmLabel="Remove"
        danger
        busy={busy !== null}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      />
      {logsOf && <LogsDialog deployment={logsOf} onClose={() => setLogsOf(null)} />}
    </>
  );
}
