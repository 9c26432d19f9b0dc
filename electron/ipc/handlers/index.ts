import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';
import { appHandlers } from './app';
import { settingsHandlers } from './settings';
import { diagnosticsHandlers } from './diagnostics';
import { vaultHandlers } from './vault';
import { providerHandlers } from './provider';
import { artifactsHandlers } from './artifacts';
import { previewHandlers } from './preview';
import { publishHandlers } from './publish';
import { deployHandlers } from './deploy';
import { backendsHandlers } from './backends';
import { chatHandlers } from './chat';
import { historyHandlers } from './history';
import { mcpHandlers } from './mcp';
import { datasourcesHandlers } from './datasources';
import { grantsHandlers } from './grants';

/** Every contract endpoint gets exactly one handler; the type makes a missing one a compile error. */
export function createHandlers(s: Services): HandlerMap {
  return {
    ...chatHandlers(s),
    ...appHandlers(s),
    ...settingsHandlers(s),
    ...diagnosticsHandlers(s),
    ...vaultHandlers(s),
    ...providerHandlers(s),
    ...artifactsHandlers(s),
    ...previewHandlers(s),
    ...publishHandlers(s),
    ...deployHandlers(s),
    ...backendsHandlers(s),
    ...mcpHandlers(s),
    ...historyHandlers(s),
    ...datasourcesHandlers(s),
    ...grantsHandlers(s),
  };
}
