import { KilnError } from '../../../shared/contract/core';
import type { TestConnectionResult } from '../../../shared/contract/provider';
import { ACCOUNTS } from '../vault/secret-store';
import { testProviderConnection } from './test-connection';

export interface ProviderServiceDeps {
  /** The provider base URL saved in settings. */
  savedBaseUrl(): string;
  /** The keychain (with its environment overlay). */
  secrets: { get(account: string): Promise<string | null> };
  timeoutMs?: number;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The model provider as Settings sees it: the stored key and "Test connection". */
export class ProviderService {
  constructor(private readonly deps: ProviderServiceDeps) {}

  /** The stored API key; null when none is set or there is no keychain (a keyless local server still works). */
  async storedApiKey(): Promise<string | null> {
    try {
      return await this.deps.secrets.get(ACCOUNTS.providerApiKey);
    } catch (error) {
      if (error instanceof KilnError && error.code === 'UNAVAILABLE') return null;
      throw error;
    }
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
    const apiKey = sameProvider ? await this.storedApiKey() : null;
    return testProviderConnection({ baseUrl, apiKey, ...(this.deps.timeoutMs !== undefined ? { timeoutMs: this.deps.timeoutMs } : {}) });
  }
}
