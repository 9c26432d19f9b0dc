import type { BackendStatus } from '../../../../shared/contract/backends';
import { Button } from '../../../components/Button';
import { Spinner } from '../../../components/Spinner';
import { useBackends } from '../../backends/store';

/** What the pane shows instead of the app while it is not serving: progress, crash, stopped. */
export function StatusPanel({ status, onStart }: { status: BackendStatus; onStart: () => void }) {
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
    return (
      <div className="live-panel live-crashed" role="alert">
        <h3>The backend stopped</h3>
        <p>{status.error ?? 'The backend exited unexpectedly.'}</p>
        {status.logTail && (
          <pre className="live-progress" aria-label="Log tail">
            {status.logTail}
          </pre>
        )}
        <Button variant="primary" onClick={onStart} disabled={busy}>
          Restart
        </Button>
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
