import { KilnError } from '../../../shared/contract/core';
import type { AppSecretAccount, SecretsStatus } from '../../../shared/contract/vault';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import type { KeyOrigins } from '../vault/key-origins';
import type { Secrets } from '../vault/secrets';
import { secretsStatus } from '../vault/secrets-status';

/**
 * The app's own keys (provider, publish) as Settings edits them: set or clear one, then tell
 * subscribers the new status (never a value). Datasource secrets go through the vault instead.
 */
export class AppSecrets {
  private readonly changed = new Emitter<SecretsStatus>();

  constructor(
    private readonly secrets: Secrets,
    /** Setting a key confirms the origin on screen; clearing it forgets the confirmation. */
    private readonly origins?: Pick<KeyOrigins, 'keySet' | 'keyCleared'>,
  ) {}

  /** Which keys are set and where from, and whether the keychain answers. */
  status(): Promise<SecretsStatus> {
    return secretsStatus(this.secrets);
  }

  /** Stores the key (trimmed: a pasted key often ends in a newline). */
  async set(account: AppSecretAccount, value: string): Promise<SecretsStatus> {
    const key = value.trim();
    // Secrets.set('') deletes; a blank field must never silently remove the stored key.
    if (key === '') throw new KilnError('VALIDATION', 'The key is empty. To remove the stored key, use Clear.');
    await this.secrets.set(account, key);
    await this.origins?.keySet(account);
    return this.announce();
  }

  async clear(account: AppSecretAccount): Promise<SecretsStatus> {
    await this.secrets.delete(account);
    await this.origins?.keyCleared(account);
    return this.announce();
  }

  onChanged(listener: (status: SecretsStatus) => void): Disposable {
    return this.changed.on(listener);
  }

  private async announce(): Promise<SecretsStatus> {
    const status = await this.status();
    this.changed.fire(status);
    return status;
  }
}
