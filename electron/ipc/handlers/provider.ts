import { KilnError } from '../../../shared/contract/core';
import type { Services } from '../../core/services';
import { testProviderConnection } from '../../services/provider/test-connection';
import { ACCOUNTS } from '../../services/vault/secret-store';
import type { HandlerMap } from '../router';

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function providerHandlers(s: Services): Pick<HandlerMap, 'provider.testConnection'> {
  return {
    'provider.testConnection': async (input) => {
      const saved = s.settings.get().provider.baseUrl;
      const baseUrl = input?.baseUrl ?? saved;
      // The stored key goes only to the saved provider's origin: testing a URL typed into the
      // form (maybe plain http on another machine) must not hand it the user's key.
      const sameProvider = originOf(baseUrl) !== null && originOf(baseUrl) === originOf(saved);
      // Without a keychain a keyless local server (Ollama, LM Studio) can still be tested.
      const apiKey = sameProvider
        ? await s.secrets.get(ACCOUNTS.providerApiKey).catch((error: unknown) => {
            if (error instanceof KilnError && error.code === 'UNAVAILABLE') return null;
            throw error;
          })
        : null;
      return testProviderConnection({ baseUrl, apiKey });
    },
  };
}
