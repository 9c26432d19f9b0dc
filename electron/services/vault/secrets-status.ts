import { KilnError } from '../../../shared/contract/core';
import { appSecretAccounts, type SecretsStatus } from '../../../shared/contract/vault';
import type { Secrets } from './secrets';

/** Which of the app's own secrets are set and where from; never a value. */
export async function secretsStatus(secrets: Secrets): Promise<SecretsStatus> {
  try {
    const list = await Promise.all(
      appSecretAccounts.map(async (account) => {
        const source = await secrets.source(account);
        return { account, set: source !== null, source };
      }),
    );
    // source() falls back to the environment when the keychain is down; probe it once more.
    await secrets.accounts();
    return { keychainAvailable: true, secrets: list };
  } catch (error) {
    if (!(error instanceof KilnError && error.code === 'UNAVAILABLE')) throw error;
    return {
      keychainAvailable: false,
      problem: error.message,
      secrets: appSecretAccounts.map((account) => {
        const fromEnv = secrets.hasOverlay(account);
        return { account, set: fromEnv, source: fromEnv ? ('environment' as const) : null };
      }),
    };
  }
}
