import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type HistoryChannels = 'history.list' | 'history.diff' | 'history.restore' | 'history.reset' | 'history.turn' | 'history.undoTurn' | 'history.redoTurn';

/** Thin: the router has validated every input against the contract; the services do the work. */
export function historyHandlers(s: Services): Pick<HandlerMap, HistoryChannels> {
  return {
    'history.list': ({ slug }) => s.history.list(slug),
    'history.diff': ({ slug, id }) => s.history.diff(slug, id),
    'history.restore': ({ slug, id }) => s.checkpoints.restore(slug, id),
    'history.reset': ({ slug }) => s.history.reset(slug),
    'history.turn': ({ turnId }) => s.checkpoints.turn(turnId),
    'history.undoTurn': ({ turnId }) => s.checkpoints.undo(turnId),
    'history.redoTurn': ({ turnId }) => s.checkpoints.redo(turnId),
  };
}
