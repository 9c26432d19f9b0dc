import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function diagnosticsHandlers(s: Services): Pick<HandlerMap, 'diagnostics.get' | 'diagnostics.checkPython' | 'diagnostics.copyText' | 'diagnostics.isolation'> {
  return {
    'diagnostics.get': () => s.diagnostics.collect(),
    'diagnostics.checkPython': () => s.diagnostics.checkPython({ venv: true }),
    'diagnostics.copyText': async () => ({ text: await s.diagnostics.text() }),
    'diagnostics.isolation': () => s.diagnostics.isolation(),
  };
}
