import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function providerHandlers(s: Services): Pick<HandlerMap, 'provider.testConnection'> {
  return {
    'provider.testConnection': (input) => s.provider.testConnection(input),
  };
}
