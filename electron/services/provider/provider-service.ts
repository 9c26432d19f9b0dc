import { KilnError } from '../../../shared/contract/core';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import type { TestConnectionResult } from '../../../shared/contract/provider';
import { ACCOUNTS } from '../vault/secret-store';
import { originOf, type KeyOrigins } from '../vault/key-origins';
import { testProviderConnection } from './test-connection';

export interface ProviderServiceDeps {
  /** The provider base URL saved in settings. */
  savedBaseUrl(): string;
  /** The keychain (with its environment overlay). */
  secrets: { get(account: string): Promise<string | null> };
  /** Where the key may go (docs/security.md, point 6); the key is sent only to its confirmed origin. */
  keyOrigins: Pick<KeyOrigins, 'check' | 'status' | 'confirm'>;
  timeoutMs?: number;
}

/** The model provider as Settings sees it: the stored key and "Test connection". */
export class ProviderService {
  constructor(private readonly deps: ProviderServiceDeps) {}

  /**
   * The stored API key, for a request to `baseUrl` (the saved provider URL, read once by the
   * caller, which must send to that same URL); null when none is set or there is no keychain (a
   * keyless local server still works). Throws `origin-unconfirmed` when that URL's origin is not
   * the one the user confirmed the key for.
   */
  async storedApiKey(baseUrl: string = this.deps.savedBaseUrl()): Promise<string | null> {
    let key: string | null;
    try {
      key = await this.deps.secrets.get(ACCOUNTS.providerApiKey);
    } catch (error) {
      if (error instanceof KilnError && error.code === 'UNAVAILABLE') return null;
      throw error;
    }
    if (key !== null) await this.deps.keyOrigins.check(ACCOUNTS.providerApiKey, baseUrl);
    return key;
  }

  keyOrigin(): Promise<KeyOriginStatus> {
    return this.deps.keyOrigins.status(ACCOUNTS.providerApiKey);
  }

  confirmOrigin(origin: string): Promise<KeyOriginStatus> {
    return this.deps.keyOrigins.confirm(ACCOUNTS.providerApiKey, origin);
  }

  /**
   * Lists the models at `baseUrl` (default: the saved one). The stored key goes only to the saved
   * provider's origin: testing a URL typed into the form (maybe plain http on another machine)
   * must not hand it the user's key.
   */
  async testConnection(input?: { baseUrl?: string | undefined }): Promise<TestConnectionResult> {
    const saved = this.deps.savedBaseUrl();
    const baseUrl = input?.baseUrl ?? saved;
    const origin = originOf(baseUrl);
    const sameProvider = origin !== null && origin === originOf(saved);
    const apiKey = sameProvider ? await this.storedApiKey(saved) : null;
    return testProviderConnection({ baseUrl, apiKey, ...(this.deps.timeoutMs !== undefined ? { timeoutMs: this.deps.timeoutMs } : {}) });
  }
}
