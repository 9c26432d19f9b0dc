import type { Services } from '../../core/services';
import { validateExternalUrl } from '../../core/open-external';
import type { HandlerMap } from '../router';

export function appHandlers(s: Services): Pick<HandlerMap, 'app.info' | 'app.notices' | 'app.openExternal'> {
  return {
    'app.info': () => s.appInfo(),
    'app.notices': () => s.notices.list(),
    'app.openExternal': async ({ url }) => {
      await s.platform.openExternal(validateExternalUrl(url));
    },
  };
}
