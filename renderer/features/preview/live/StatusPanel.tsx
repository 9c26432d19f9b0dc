import type { BackendStatus } from '../../../../shared/contract/backends';
import { Button } from '../../../components/Button';
import { Spinner } from '../../../components/Spinner';
import { useBackends } from '../../backends/store';
import { useShell } from '../../../stores/shell';

/** What the pane shows instead of the app while it is not serving: progress, crash, stopped. */
export function StatusPanel({ status, onStart }: { status: BackendStatus; onStart: () => void }) {
  const setView = useShell((st) => st.setView);
  const openPythonSettings = (): void => {
    useShell.getState().openSettingsSection('python');
    setView('settings');
  };
  const progress = useBackends((s) => s.progress[status.slug]);
  const busy = useBackends((s) => s.busy[status.slug]);
  if (status.state === 'installing' || status.state === 'starting') {
    return (
      <div className="live-panel" role="status">
        <p>
          <Spinner label="Working" /> {status.state === 'installing' ? 'Preparing the Python environment…' : 'Starting the backend…'}
        </p>
        {progress && progress.length > 0 && <pre className="live-progress">{progress.slice(-40).join('\n')}</pre>}
      </div>
    );
  }
  if (status.state === 'crashed') {
    // A failed install never started the app: say so, and point at the settings that fix it.
    const install = /requirements|Python environment|pip/i.test(status.error ?? '');
    return (
      <div className="live-panel live-crashed" role="alert">
        <h3>{install ? "Couldn't install the app's requirements" : 'The backend stopped'}</h3>
        <p>{status.error ?? 'The backend exited unexpectedly.'}</p>
        {status.logTail && (
          <pre className="live-progress" aria-label="Log tail">
            {status.logTail}
          </pre>
        )}
        <div className="settings-row">
          <Button variant="primary" onClick={onStart} disabled={busy}>
            {busy ? 'Restarting…' : install ? 'Try again' : 'Restart'}
          </Button>
          {install && <Button onClick={openPythonSettings}>Open Python &amp; Backends settings</Button>}
        </div>
        {install && (
          <p className="muted">
            Offline or behind a proxy? Choose an interpreter that already has the packages, turn on "system site packages", and add pip arguments such as
            <code> --no-index</code>.
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="live-panel">
      <h3>The backend is stopped</h3>
      <p className="muted">Start it to use the app here.</p>
      <Button variant="primary" onClick={onStart} disabled={busy}>
        Start
      </Button>
    </div>
  );
}
