import { useCallback, useEffect, useState } from 'react';
import type { DeployTarget } from '../../../shared/contract/deploy';
import { api, errorMessage, toKilnError } from '../../api/client';
import { Button } from '../../components/Button';
import { useShell } from '../../stores/shell';
import { DeploymentsList } from './DeploymentsList';
import { useDeploy } from './store';
import { TargetForm } from './TargetForm';
import './deploy.css';

/** Settings → Deploy: the Docker targets (this machine and remote hosts) and every deployment. */
export function DeploySection() {
  const notify = useShell((s) => s.notify);
  const [targets, setTargets] = useState<DeployTarget[] | null>(null);
  const [editing, setEditing] = useState<DeployTarget | 'new' | null>(null);
  /** The last "Test connection" answer per target, shown in its row. */
  const [tested, setTested] = useState<Record<string, { ok: boolean; text: string }>>({});
  const deployments = useDeploy((s) => s.deployments);
  const load = useDeploy((s) => s.load);

  const refresh = useCallback(async () => {
    try {
      setTargets(await api.call('deploy.targets', undefined));
    } catch (e) {
      notify({ level: 'error', message: errorMessage(e) });
    }
  }, [notify]);
  useEffect(() => {
    void refresh();
    void load();
  }, [refresh, load]);

  const test = async (t: DeployTarget): Promise<void> => {
    try {
      setTested((s) => ({ ...s, [t.id]: { ok: true, text: 'Testing…' } }));
      const v = await api.call('deploy.testTarget', { id: t.id });
      setTested((s) => ({ ...s, [t.id]: { ok: true, text: `Connected: Docker ${v.version} (${v.os}).` } }));
    } catch (e) {
      const err = toKilnError(e);
      setTested((s) => ({ ...s, [t.id]: { ok: false, text: err.message } }));
    }
  };
  const remove = async (t: DeployTarget): Promise<void> => {
    try {
      await api.call('deploy.removeTarget', { id: t.id });
      await refresh();
    } catch (e) {
      notify({ level: 'error', message: errorMessage(e) });
    }
  };

  return (
    <div>
      <p className="muted">Deploy apps to a Docker Engine you run. Certificates, keys and passphrases stay in the keychain. See docs/deploy.md for setting up a remote host.</p>
      <ul className="deploy-targets" aria-label="Deploy targets">
        {(targets ?? []).map((t) => (
          <li key={t.id}>
            <span className="deploy-target-name">{t.name}</span>
            <span className="muted">{t.kind === 'local' ? 'DOCKER_HOST or the default socket' : t.address}</span>
            <Button onClick={() => void test(t)}>Test connection</Button>
            <Button onClick={() => setEditing(t)}>Edit</Button>
            {!t.builtIn && (
              <Button variant="danger" onClick={() => void remove(t)} aria-label={`Remove ${t.name}`}>
                Remove
              </Button>
            )}
            <span role="status" className={tested[t.id]?.ok === false ? 'error-text deploy-tested' : 'muted deploy-tested'}>
              {tested[t.id]?.text ?? ''}
            </span>
          </li>
        ))}
      </ul>
      {editing === null ? (
        <Button onClick={() => setEditing('new')}>Add a Docker host…</Button>
      ) : (
        <TargetForm
          key={editing === 'new' ? 'new' : editing.id}
          target={editing === 'new' ? null : editing}
          onSaved={() => {
            setEditing(null);
            void refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <h3>Deployments</h3>
      {deployments === null ? <p className="muted">Loading…</p> : <DeploymentsList items={deployments} showArtifact />}
    </div>
  );
}
