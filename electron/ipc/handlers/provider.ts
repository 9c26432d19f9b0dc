import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function providerHandlers(s: Services): Pick<HandlerMap, 'provider.testConnection' | 'provider.keyOrigin' | 'provider.confirmOrigin'> {
  return {
    'provider.testConnection': (input) => s.provider.testConnection(input),
    'provider.keyOrigin': () => s.provider.keyOrigin(),
    'provider.confirmOrigin': ({ origin }) => s.provider.confirmOrigin(origin),
  };
}
