import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';
import { appHandlers } from './app';
import { settingsHandlers } from './settings';
import { artifactsHandlers } from './artifacts';
import { previewHandlers } from './preview';

/** Every contract endpoint gets exactly one handler; the type makes a missing one a compile error. */
export function createHandlers(s: Services): HandlerMap {
  return {
    ...appHandlers(s),
    ...settingsHandlers(s),
    ...artifactsHandlers(s),
    ...previewHandlers(s),
  };
}
