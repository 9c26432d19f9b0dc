/** With the real keychain (run inside scripts/with-keyring.sh), under a throwaway service name. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { SecretsStatus } from '../../../shared/contract/vault';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { AppSecrets } from './app-secrets';

const keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
afterAll(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
});

describe('AppSecrets', () => {
  it('sets (trimmed) and clears a key, announcing each new status without the value', async () => {
    const appSecrets = new AppSecrets(new Secrets(keychain, { scrubber: new Scrubber() }));
    const heard: SecretsStatus[] = [];
    const sub = appSecrets.onChanged((s) => heard.push(s));
    const set = await appSecrets.set('publish.apiKey', '  mdb_key_0123456789\n');
    expect(set.secrets).toContainEqual({ account: 'publish.apiKey', set: true, source: 'keychain' });
    expect(await keychain.get('publish.apiKey')).toBe('mdb_key_0123456789');
    const cleared = await appSecrets.clear('publish.apiKey');
    expect(cleared.secrets).toContainEqual({ account: 'publish.apiKey', set: false, source: null });
    expect(heard).toEqual([set, cleared]);
    expect(JSON.stringify(heard)).not.toContain('mdb_key');
    sub.dispose();
    await appSecrets.set('provider.apiKey', 'k');
    expect(heard).toHaveLength(2);
  });

  it('a refused value changes nothing and announces nothing', async () => {
    const appSecrets = new AppSecrets(new Secrets(keychain, { scrubber: new Scrubber() }));
    await appSecrets.set('provider.apiKey', 'kept-key');
    const heard: SecretsStatus[] = [];
    appSecrets.onChanged((s) => heard.push(s));
    await expect(appSecrets.set('provider.apiKey', '   ')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await keychain.get('provider.apiKey')).toBe('kept-key');
    expect(heard).toEqual([]);
  });
});
