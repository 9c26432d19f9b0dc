import { useEffect } from 'react';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Spinner } from '../../components/Spinner';
import { CheckpointItem } from './CheckpointItem';
import { useHistory } from './store';
import './history.css';

/** The History tab of the preview pane: checkpoints newest first, their diffs, Restore. */
export function HistoryPanel() {
  const state = useHistory((s) => s.state);
  const error = useHistory((s) => s.error);
  const busy = useHistory((s) => s.busy);
  const reset = useHistory((s) => s.reset);

  if (!state) {
    return error ? <p className="error-text history-note" role="alert">{error}</p> : <div className="preview-loading"><Spinner label="Loading the history" /></div>;
  }
  if (state.status === 'damaged') {
    return (
      <div className="history-damaged" role="alert">
        <p>{state.problem ?? "This artifact's history can't be read."}</p>
        <p className="muted">A fresh history starts from the files as they are now; the old one is kept next to it as a .bak folder.</p>
        <Button variant="primary" disabled={busy} onClick={() => void reset()}>
          Start a fresh history
        </Button>
        {error && <p className="error-text">{error}</p>}
      </div>
    );
  }
  if (state.checkpoints.length === 0) {
    return <EmptyState icon="logs" title="No checkpoints yet">Kiln saves a checkpoint after every change to this artifact: each agent turn, your edits, changes from outside.</EmptyState>;
  }
  return (
    <div className="history" aria-busy={busy}>
      {state.limit && <p className="history-limit" role="status">{state.limit}</p>}
      {error && <p className="error-text history-note" role="alert">{error}</p>}
      <ol className="history-list" aria-label="Checkpoints, newest first">
        {state.checkpoints.map((c, i) => (
          <CheckpointItem key={c.id} checkpoint={c} current={i === 0} />
        ))}
      </ol>
      {state.gitDir && (
        <p className="muted history-gitdir">
          A git repository: <code>{state.gitDir}</code>
        </p>
      )}
    </div>
  );
}

/** The Preview / History switch under the preview header. */
export function HistoryTabs({ slug }: { slug: string }) {
  const open = useHistory((s) => s.slug === slug);
  useEffect(() => () => useHistory.getState().close(), [slug]);
  const show = (history: boolean): void => {
    if (history) useHistory.getState().open(slug);
    else useHistory.getState().close();
  };
  return (
    <div className="history-tabs" role="tablist" aria-label="Preview or history">
      <button type="button" role="tab" aria-selected={!open} className="history-tab" onClick={() => show(false)}>
        Preview
      </button>
      <button type="button" role="tab" aria-selected={open} className="history-tab" onClick={() => show(true)}>
        History
      </button>
    </div>
  );
}
