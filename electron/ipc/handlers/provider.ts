import { KilnError } from '../../../shared/contract/core';
import type { Services } from '../../core/services';
import { testProviderConnection } from '../../services/provider/test-connection';
import { ACCOUNTS } from '../../services/vault/secret-store';
import type { HandlerMap } from '../router';

export function providerHandlers(s: Services): Pick<HandlerMap, 'provider.testConnection'> {
  return {
    'provider.testConnection': async (input) => {
      const baseUrl = input?.baseUrl ?? s.settings.get().provider.baseUrl;
      // Without a keychain a keyless local server (Ollama, LM Studio) can still be tested.
      const apiKey = await s.secrets.get(ACCOUNTS.providerApiKey).catch((error: unknown) => {
        if (error instanceof KilnError && error.code === 'UNAVAILABLE') return null;
        throw error;
      });
      return testProviderConnection({ baseUrl, apiKey });
    },
  };
}
