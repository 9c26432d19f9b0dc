import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function settingsHandlers(s: Services): Pick<HandlerMap, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => s.settings.get(),
    'settings.update': (patch) => s.settings.update(patch),
  };
}
