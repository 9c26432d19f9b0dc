import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

/** Test connection: one service call each; the service scrubs every sentence it returns. */
export function datasourcesHandlers(s: Services): Pick<HandlerMap, 'datasources.test' | 'datasources.testDraft'> {
  return {
    'datasources.test': ({ slug }) => s.datasources.test(slug),
    'datasources.testDraft': (draft) => s.datasources.testDraft(draft),
  };
}
