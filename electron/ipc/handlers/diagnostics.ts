import type { Services } from '../../core/services';
import { DiagnosticsService } from '../../services/diagnostics/diagnostics-service';
import { secretsStatus } from '../../services/vault/secrets-status';
import type { HandlerMap } from '../router';

export function diagnosticsHandlers(s: Services): Pick<HandlerMap, 'diagnostics.get' | 'diagnostics.checkPython' | 'diagnostics.copyText'> {
  const diagnostics = new DiagnosticsService({
    appInfo: () => s.appInfo(),
    findPython: () => s.python.find(),
    keychain: async () => {
      const status = await secretsStatus(s.secrets);
      return status.problem ? { available: status.keychainAvailable, problem: status.problem } : { available: status.keychainAvailable };
    },
    backends: () => s.backends.list().filter((b) => b.state !== 'stopped'),
    notices: () => s.notices.list(),
    scrub: (t) => s.scrub(t),
  });
  return {
    'diagnostics.get': () => diagnostics.collect(),
    'diagnostics.checkPython': () => diagnostics.checkPython({ venv: true }),
    'diagnostics.copyText': async () => ({ text: await diagnostics.text() }),
  };
}
