import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { useHistory } from './store';
import './history.css';

/** "Undo this turn" / "Redo" on a finished agent turn that changed artifacts. */
export function TurnUndo({ turnId }: { turnId: string }) {
  const state = useHistory((s) => s.turns[turnId]);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void useHistory.getState().loadTurn(turnId);
  }, [turnId]);
  if (!state || state.artifacts.length === 0) return null;
  const run = async (undo: boolean): Promise<void> => {
    setWorking(true);
    setError(null);
    try {
      const h = useHistory.getState();
      await (undo ? h.undoTurn(turnId) : h.redoTurn(turnId));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setWorking(false);
    }
  };
  const count = state.artifacts.length;
  return (
    <span className="turn-undo">
      {state.undone ? (
        <Button variant="ghost" disabled={working} onClick={() => void run(false)} title="Bring back what this turn changed">
          Redo
        </Button>
      ) : (
        <Button
          variant="ghost"
          disabled={working}
          onClick={() => void run(true)}
          title={`Put ${count === 1 ? 'the artifact' : `the ${count} artifacts`} this turn changed back as they were before it (a checkpoint keeps the current state)`}
        >
          Undo this turn
        </Button>
      )}
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
