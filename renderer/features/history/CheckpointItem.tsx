import type { Checkpoint } from '../../../shared/contract/history';
import { Button } from '../../components/Button';
import { Spinner } from '../../components/Spinner';
import { DiffView } from './DiffView';
import { useHistory } from './store';

const who: Record<Checkpoint['by'], string> = { agent: 'Agent', user: 'You', outside: 'Outside Kiln', restore: 'Restore' };
const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  checkpoint: Checkpoint;
  /** The newest checkpoint is what the folder holds now: nothing to restore. */
  current: boolean;
}

/** One row of the History list: who, when, what changed; its diff when opened; Restore. */
export function CheckpointItem({ checkpoint: c, current }: Props) {
  const selected = useHistory((s) => s.selected === c.id);
  const diff = useHistory((s) => (s.selected === c.id ? s.diff : null));
  const diffError = useHistory((s) => (s.selected === c.id ? s.diffError : null));
  const busy = useHistory((s) => s.busy);
  const select = useHistory((s) => s.select);
  const restore = useHistory((s) => s.restore);
  const files = c.pathCount === 1 ? '1 file' : `${c.pathCount} files`;
  return (
    <li className={`history-item${selected ? ' history-item-open' : ''}`} data-checkpoint={c.id}>
      <div className="history-row">
        <button type="button" className="history-toggle" aria-expanded={selected} onClick={() => select(c.id)}>
          <span className={`history-who history-who-${c.by}`}>{who[c.by]}</span>
          <span className="history-summary">{c.summary}</span>
          <span className="muted history-meta">
            <time dateTime={c.at}>{timeFmt.format(new Date(c.at))}</time> · {files}
            {c.interrupted && <span className="history-tag">Interrupted</span>}
            {c.published && <span className="history-tag" title={`Published version ${c.published.md5.slice(0, 8)}`}>Published</span>}
            {current && <span className="history-tag">Current</span>}
          </span>
        </button>
        {!current && (
          <Button variant="secondary" disabled={busy} onClick={() => void restore(c.id)} aria-label={`Restore the checkpoint of ${timeFmt.format(new Date(c.at))}`}>
            Restore
          </Button>
        )}
      </div>
      {selected && (
        <div className="history-detail">
          {diffError ? <p className="error-text history-note" role="alert">{diffError}</p> : diff ? <DiffView files={diff} /> : <Spinner label="Loading the changes" />}
        </div>
      )}
    </li>
  );
}
