/**
 * anton's vault records at their edges, written by hand the way anton's LocalDataVault.save
 * writes them (json.dumps(indent=2), file named <engine>-<name> with non-word characters as
 * `_`, no extension), imported into the real keychain. Run inside scripts/with-keyring.sh.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { antonVaultFileName } from './anton-import';
import { Scrubber } from './scrubber';
import { KeychainSecretStore } from './secret-store';
import { Secrets } from './secrets';
import { VaultService } from './vault-service';

let workspace: string;
let antonDir: string;
let keychain: KeychainSecretStore;
let vault: VaultService;

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-anton-vault-'));
  antonDir = path.join(workspace, 'home', '.anton', 'data_vault');
  await fs.mkdir(antonDir, { recursive: true });
  keychain = new KeychainSecretStore({ keychainService: `KilnAntonVault-${randomBytes(4).toString('hex')}` });
  vault = new VaultService({ workspaceDir: () => workspace, secrets: new Secrets(keychain, { scrubber: new Scrubber() }), antonVaultDir: () => antonDir });
});

afterEach(async () => {
  try {
    for (const account of await keychain.accounts()) await keychain.delete(account);
  } finally {
    await fs.rm(workspace, { recursive: true, force: true });
  }
});

/** anton's save(): the record under its sanitized file name. */
async function antonSave(engine: string, name: string, fields: Record<string, unknown>, secureKeys?: string[]): Promise<string> {
  const record: Record<string, unknown> = { engine, name, created_at: '2026-05-01T10:00:00.000000+00:00', updated_at: '2026-05-01T10:00:00.000000+00:00', fields };
  if (secureKeys) record.secure_keys = [...secureKeys].sort();
  const file = path.join(antonDir, antonVaultFileName(engine, name));
  await fs.writeFile(file, JSON.stringify(record, null, 2));
  return file;
}

describe('anton vault import edges', () => {
  it("keeps a name with '.' (file postgres-prod_eu, slug postgres-prod.eu), takes _user_label as the label, and exports booleans and empty values as anton does", async () => {
    const file = await antonSave('postgres', 'prod.eu', {
      host: 'db.eu.internal', port: 5432, user: 'ro', password: 'eu-S3cret', ssl: true, verify: false, sslrootcert: '', _user_label: 'Prod EU', _connector_id: 'c-9',
    }, ['password']);
    expect(path.basename(file)).toBe('postgres-prod_eu');
    const preview = await vault.importPreview();
    expect(preview.items).toEqual([expect.objectContaining({ slug: 'postgres-prod.eu', engine: 'postgres', name: 'prod.eu', label: 'Prod EU', status: 'new', secretFields: ['password'] })]);
    expect(preview.items[0]!.fields).not.toContain('_user_label');

    const result = await vault.importConfirm(['postgres-prod.eu']);
    expect(result.imported[0]).toMatchObject({ slug: 'postgres-prod.eu', label: 'Prod EU', envPrefix: 'DS_POSTGRES_PROD_EU' });
    const env = await vault.envFor(['postgres-prod.eu']);
    expect(env).toMatchObject({
      DS_POSTGRES_PROD_EU__HOST: 'db.eu.internal',
      DS_POSTGRES_PROD_EU__PORT: '5432',
      DS_POSTGRES_PROD_EU__PASSWORD: 'eu-S3cret',
      DS_POSTGRES_PROD_EU__SSL: 'True', // str(True) in anton's env_for
      DS_POSTGRES_PROD_EU__VERIFY: 'False',
      DS_POSTGRES_PROD_EU__SSLROOTCERT: '', // anton exports an empty value too
    });
    // Bookkeeping fields are never exported, as anton's env_for skips `_`-prefixed ones.
    expect(Object.keys(env).some((k) => k.includes('___'))).toBe(false);
    expect(await keychain.get('DS_POSTGRES_PROD_EU__PASSWORD')).toBe('eu-S3cret');
  });

  it("imports a field named portal-id instead of rejecting the record, under anton's variable name", async () => {
    await antonSave('hubspot', 'a1b2c3d4', { 'portal-id': '4455667', access_token: 'hs-tok-123', _user_label: 'Marketing' }, ['access_token']);
    const preview = await vault.importPreview();
    expect(preview.items[0]).toMatchObject({ slug: 'hubspot-a1b2c3d4', status: 'new', label: 'Marketing' });
    expect(preview.items[0]!.problem).toBeUndefined();
    await vault.importConfirm(['hubspot-a1b2c3d4']);
    const env = await vault.envFor(['hubspot-a1b2c3d4']);
    expect(env['DS_HUBSPOT_A1B2C3D4__PORTAL-ID']).toBe('4455667');
    expect(env.DS_HUBSPOT_A1B2C3D4__ACCESS_TOKEN).toBe('hs-tok-123');
  });
});
