import { KilnError } from '../../../shared/contract/core';
import type { Scrubber } from './scrubber';
import { APP_SECRET_ENV, appSecretAccounts, isAppSecretAccount, publishPasswordArtifactId } from '../../../shared/vault/accounts';
import type { SecretStore } from './secret-store';

export type SecretSource = 'keychain' | 'environment';

/** The marker a secret is scrubbed to: `[OPENAI_API_KEY]`, `[DS_POSTGRES_7E8971C3__PASSWORD]`. */
export function scrubNameFor(account: string): string {
  if (isAppSecretAccount(account)) return APP_SECRET_ENV[account];
  const artifactId = publishPasswordArtifactId(account);
  if (artifactId !== null) return `PUBLISH_PASSWORD_${artifactId.toUpperCase().replace(/\W/g, '_')}`;
  return account.toUpperCase().replace(/\W/g, '_');
}

/** Headless defaults: environment variables that stand in for a keychain value. */
export function environmentOverlay(env: NodeJS.ProcessEnv): Map<string, string> {
  const overlay = new Map<string, string>();
  for (const account of appSecretAccounts) {
    const value = env[APP_SECRET_ENV[account]]?.trim();
    if (value) overlay.set(account, value);
  }
  return overlay;
}

export interface SecretsOptions {
  /** Values from the start-up environment; kept in memory only, never written anywhere. */
  overlay?: Map<string, string>;
  scrubber: Scrubber;
}

/**
 * The secret store the rest of main uses: the OS keychain, plus an in-memory overlay of
 * headless defaults from the environment, with every known value registered with the
 * scrubber so it can never leave main in clear.
 */
export class Secrets implements SecretStore {
  private readonly overlay: Map<string, string>;
  private readonly scrubber: Scrubber;

  constructor(
    private readonly store: SecretStore & { all?: () => Promise<{ account: string; value: string }[]> },
    options: SecretsOptions,
  ) {
    this.overlay = options.overlay ?? new Map();
    this.scrubber = options.scrubber;
    for (const [account, value] of this.overlay) this.scrubber.register(scrubNameFor(account), value);
  }

  /**
   * Registers every stored value with the scrubber. Returns the keychain error instead of
   * throwing so start-up can go on and tell the user (the first real use fails the same way).
   */
  async load(): Promise<KilnError | null> {
    const error = await this.loadOnce();
    this.loaded = error === null;
    return error;
  }

  /** Loads again only if no load has succeeded yet; for checks that must know every secret. */
  async ensureLoaded(): Promise<KilnError | null> {
    return this.loaded ? null : this.load();
  }

  private loaded = false;

  private async loadOnce(): Promise<KilnError | null> {
    try {
      if (this.store.all) {
        for (const { account, value } of await this.store.all()) this.scrubber.register(scrubNameFor(account), value);
      } else {
        for (const account of await this.store.accounts()) {
          const value = await this.store.get(account);
          if (value !== null) this.scrubber.register(scrubNameFor(account), value);
        }
      }
      return null;
    } catch (error) {
      if (error instanceof KilnError) return error;
      throw error;
    }
  }

  async get(account: string): Promise<string | null> {
    try {
      const value = await this.store.get(account);
      if (value !== null) {
        this.scrubber.register(scrubNameFor(account), value);
        return value;
      }
    } catch (error) {
      // Headless hosts without a keychain can still use the environment defaults.
      if (!(error instanceof KilnError && error.code === 'UNAVAILABLE' && this.overlay.has(account))) throw error;
    }
    return this.overlay.get(account) ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    if (value === '') {
      await this.delete(account);
      return;
    }
    await this.store.set(account, value);
    this.scrubber.register(scrubNameFor(account), value);
  }

  async delete(account: string): Promise<boolean> {
    // The old value stays registered with the scrubber: a running backend or an old log line
    // may still carry it, and scrubbing a value nobody uses any more costs nothing.
    return this.store.delete(account);
  }

  async has(account: string): Promise<boolean> {
    return (await this.source(account)) !== null;
  }

  /** Where the value of an account comes from, without reading it out to the caller. */
  async source(account: string): Promise<SecretSource | null> {
    try {
      if (await this.store.has(account)) return 'keychain';
    } catch (error) {
      if (!(error instanceof KilnError && error.code === 'UNAVAILABLE' && this.overlay.has(account))) throw error;
    }
    return this.overlay.has(account) ? 'environment' : null;
  }

  /** Whether the start-up environment supplies this account (headless defaults). */
  hasOverlay(account: string): boolean {
    return this.overlay.has(account);
  }

  accounts(): Promise<string[]> {
    return this.store.accounts();
  }
}
