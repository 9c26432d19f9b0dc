/** Real files in a temp workspace and the real keychain: run inside scripts/with-keyring.sh. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KilnError } from '../../../shared/contract/core';
import type { DatasourceView } from '../../../shared/contract/vault';
import { Scrubber } from './scrubber';
import { KeychainSecretStore } from './secret-store';
import { Secrets } from './secrets';
import { VaultService } from './vault-service';
import { GENERIC_ENGINE } from '../../../shared/vault/catalog';

let workspace: string;
let antonDir: string;
let keychain: KeychainSecretStore;
let scrubber: Scrubber;
let vault: VaultService;
let changes: DatasourceView[][];

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-vault-'));
  antonDir = path.join(workspace, 'anton-home', '.anton', 'data_vault');
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  scrubber = new Scrubber();
  changes = [];
  vault = new VaultService({
    workspaceDir: () => workspace,
    secrets: new Secrets(keychain, { scrubber }),
    antonVaultDir: () => antonDir,
  });
  vault.onChanged((list) => changes.push(list));
});

afterEach(async () => {
  try {
    for (const account of await keychain.accounts()) await keychain.delete(account);
  } finally {
    await fs.rm(workspace, { recursive: true, force: true });
  }
});

async function addPostgres(label = 'Sales DB', password = 'pg-S3cret!'): Promise<DatasourceView> {
  return vault.create({
    engine: 'postgres',
    label,
    fields: { host: 'db.internal', database: 'sales', user: 'analyst', password },
  });
}

describe('VaultService datasources', () => {
  it('creates a datasource: plain fields on disk, the secret only in the keychain', async () => {
    const ds = await addPostgres();
    expect(ds.name).toMatch(/^[0-9a-f]{8}$/);
    expect(ds.slug).toBe(`postgres-${ds.name}`);
    expect(ds.fields).toEqual({ host: 'db.internal', port: '5432', database: 'sales', user: 'analyst' });
    expect(ds.secrets).toEqual({ password: true });
    const prefix = `DS_POSTGRES_${ds.name.toUpperCase()}`;
    expect(ds.envPrefix).toBe(prefix);
    expect(ds.envNames).toContain(`${prefix}__PASSWORD`);

    const onDisk = await fs.readFile(path.join(workspace, '.kiln', 'datasources.json'), 'utf8');
    expect(onDisk).not.toContain('pg-S3cret!');
    expect(onDisk).toContain('db.internal');
    expect(await keychain.get(`${prefix}__PASSWORD`)).toBe('pg-S3cret!');
    expect(scrubber.scrub('pw=pg-S3cret!')).toBe(`pw=[${prefix}__PASSWORD]`);
    expect(changes).toHaveLength(1);
  });

  it('refuses a duplicate label, a missing required field and a bad port, writing nothing', async () => {
    await addPostgres();
    await expect(addPostgres(' sales db ')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(vault.create({ engine: 'postgres', label: 'X', fields: { host: 'h' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'Fill in: Database, User.',
    });
    await expect(
      vault.create({ engine: 'postgres', label: 'Y', fields: { host: 'h', database: 'd', user: 'u', port: '99999', password: 'never-stored' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('Port') });
    await expect(vault.create({ engine: 'postgres', label: 'Z', fields: { host: 'h', database: 'd', user: 'u', colour: 'red' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'PostgreSQL has no field "colour".',
    });
    expect(await vault.list()).toHaveLength(1);
    expect(await keychain.accounts()).toHaveLength(1);
  });

  it('validates a BigQuery key file without quoting it', async () => {
    const err = await vault
      .create({ engine: 'bigquery', label: 'BQ', fields: { project_id: 'p', service_account_json: '{"private_key": oops-secret' } })
      .then(() => null, (e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'VALIDATION' });
    expect(err?.message).not.toContain('oops-secret');
    const key = JSON.stringify({ type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' });
    const ok = await vault.create({ engine: 'bigquery', label: 'BQ', fields: { project_id: 'p', service_account_json: key } });
    expect(ok.secrets).toEqual({ service_account_json: true });
  });

  it('edits: unchanged secrets kept, a new value replaces, an empty value clears', async () => {
    const ds = await addPostgres();
    const account = `${ds.envPrefix}__PASSWORD`;
    const renamed = await vault.update({ slug: ds.slug, label: 'Sales (prod)', fields: { user: 'app2' } });
    expect(renamed.label).toBe('Sales (prod)');
    expect(renamed.fields.user).toBe('app2');
    expect(await keychain.get(account)).toBe('pg-S3cret!');

    await vault.update({ slug: ds.slug, fields: { password: 'rotated-2' } });
    expect(await keychain.get(account)).toBe('rotated-2');

    const cleared = await vault.update({ slug: ds.slug, fields: { password: '' } });
    expect(cleared.secrets).toEqual({ password: false });
    expect(cleared.envNames).not.toContain(account);
    expect(await keychain.get(account)).toBeNull();

    await expect(vault.update({ slug: ds.slug, fields: { host: '' } })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(vault.update({ slug: 'postgres-00000000', label: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a stored secret never follows a changed address unless typed again: refused with a sentence, nothing changed', async () => {
    const ds = await addPostgres();
    const account = `${ds.envPrefix}__PASSWORD`;
    const moves: Record<string, string>[] = [{ host: 'evil.example' }, { port: '6543' }, { host: 'evil.example', user: 'someone' }];
    for (const fields of moves) {
      const err = await vault.update({ slug: ds.slug, fields }).then(() => null, (e: unknown) => e as KilnError);
      expect(err).toMatchObject({ code: 'VALIDATION', reason: 'origin-unconfirmed' });
      expect(err?.message).toMatch(/You changed where this datasource connects \((host|port)\).*type it again/);
      expect(err?.message).not.toContain('pg-S3cret!');
    }
    expect((await vault.get(ds.slug)).fields).toMatchObject({ host: 'db.internal', user: 'analyst' });
    expect((await vault.get(ds.slug)).fields.port ?? '').not.toBe('6543');
    expect(await keychain.get(account)).toBe('pg-S3cret!');
    // Only whitespace around the same host is the same address.
    await expect(vault.update({ slug: ds.slug, fields: { host: ' db.internal ' } })).resolves.toMatchObject({ fields: { host: 'db.internal' } });
    // Typed again (or cleared), the move is the user's decision.
    const moved = await vault.update({ slug: ds.slug, fields: { host: 'db2.internal', password: 'for-db2' } });
    expect(moved.fields.host).toBe('db2.internal');
    expect(await keychain.get(account)).toBe('for-db2');
    const cleared = await vault.update({ slug: ds.slug, fields: { host: 'db3.internal', password: '' } });
    expect(cleared.secrets).toEqual({ password: false });
  });

  it('a free-form datasource: a changed url or dsn is a new address too', async () => {
    const ds = await vault.create({ engine: GENERIC_ENGINE, label: 'Partner API', fields: { url: 'https://api.partner.example', api_token: 'tok-partner-77' } });
    const moves: Record<string, string>[] = [{ url: 'https://evil.example' }, { dsn: 'postgresql://evil.example/db' }];
    for (const fields of moves) {
      await expect(vault.update({ slug: ds.slug, fields })).rejects.toMatchObject({ code: 'VALIDATION', reason: 'origin-unconfirmed' });
    }
    expect((await vault.get(ds.slug)).fields).toMatchObject({ url: 'https://api.partner.example' });
  });

  it('deletes a datasource and its keychain entries', async () => {
    const ds = await addPostgres();
    const other = await addPostgres('Other', 'other-pass');
    await vault.delete(ds.slug);
    expect((await vault.list()).map((d) => d.slug)).toEqual([other.slug]);
    expect(await keychain.accounts()).toEqual([`${other.envPrefix}__PASSWORD`]);
    await expect(vault.delete(ds.slug)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serializes concurrent creates so none is lost', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => vault.create({ engine: 'rest-api', label: `API ${i}`, fields: { base_url: 'https://api.example.com', token: `tok-${i}` } })));
    const list = await vault.list();
    expect(list).toHaveLength(8);
    expect(new Set(list.map((d) => d.slug)).size).toBe(8);
  });

  it('reports a corrupt datasources.json instead of overwriting it', async () => {
    const file = path.join(workspace, '.kiln', 'datasources.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{ broken');
    await expect(vault.list()).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('not valid JSON') });
    await expect(addPostgres()).rejects.toMatchObject({ code: 'IO' });
    expect(await fs.readFile(file, 'utf8')).toBe('{ broken');
  });
});

describe('VaultService.envFor', () => {
  it('produces exactly the DS_* variables of the given datasources', async () => {
    const pg = await addPostgres();
    const api = await vault.create({ engine: 'generic', label: 'Misc', fields: { endpoint: 'https://x.example', api_key: 'gk-1', _note: 'bookkeeping' } });
    await addPostgres('Unrelated', 'unrelated-pass');
    const env = await vault.envFor([pg.slug, api.slug, pg.slug]);
    const p = pg.envPrefix;
    const g = api.envPrefix;
    expect(env).toEqual({
      [`${p}__HOST`]: 'db.internal',
      [`${p}__PORT`]: '5432',
      [`${p}__DATABASE`]: 'sales',
      [`${p}__USER`]: 'analyst',
      [`${p}__PASSWORD`]: 'pg-S3cret!',
      [`${g}__ENDPOINT`]: 'https://x.example',
      [`${g}__API_KEY`]: 'gk-1',
    });
    expect(await vault.envNames(api.slug)).toEqual([`${g}__API_KEY`, `${g}__ENDPOINT`]);
    expect(await vault.envFor([])).toEqual({});
  });

  it('lets a free-form datasource mark a field secret that the heuristic misses', async () => {
    const ds = await vault.create({ engine: 'generic', label: 'Legacy', fields: { host: 'h', pwd: 'not-by-name' }, secret: ['pwd'] });
    expect(ds.fields).toEqual({ host: 'h' });
    expect(ds.secrets).toEqual({ pwd: true });
    // A catalog engine can't downgrade or invent secrets this way: host stays plain.
    const pg = await vault.create({ engine: 'postgres', label: 'PG', fields: { host: 'h', database: 'd', user: 'u' }, secret: ['host'] });
    expect(pg.fields.host).toBe('h');
  });

  it('fails with NOT_FOUND for an unknown slug', async () => {
    await addPostgres();
    await expect(vault.envFor(['mysql-deadbeef'])).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('mysql-deadbeef') });
  });
});

describe('anton import', () => {
  async function writeAnton(file: string, body: unknown): Promise<string> {
    await fs.mkdir(antonDir, { recursive: true });
    const full = path.join(antonDir, file);
    await fs.writeFile(full, typeof body === 'string' ? body : JSON.stringify(body));
    return full;
  }

  it('previews without secrets, imports on confirm, and never touches anton files', async () => {
    const pgFile = await writeAnton('postgres-7e8971c3', {
      fields: { host: 'pg.example', port: 5432, database: 'shop', user: 'ro', password: 'anton-pg-pass' },
      secure_keys: ['password'],
    });
    await writeAnton('rest-api-a1b2c3d4', { engine: 'rest-api', name: 'a1b2c3d4', fields: { base_url: 'https://api.x', token: 'anton-token', custom_pin: '1234' }, secure_keys: ['custom_pin'] });
    await writeAnton('mysql-bad00000', '{ not json');
    const before = await fs.readFile(pgFile, 'utf8');
    const beforeStat = await fs.stat(pgFile);

    const preview = await vault.importPreview();
    expect(preview.found).toBe(true);
    expect(JSON.stringify(preview)).not.toContain('anton-pg-pass');
    expect(JSON.stringify(preview)).not.toContain('anton-token');
    const bySlug = Object.fromEntries(preview.items.map((i) => [i.slug, i]));
    expect(bySlug['postgres-7e8971c3']).toMatchObject({ status: 'new', fields: ['database', 'host', 'port', 'user'], secretFields: ['password'] });
    expect(bySlug['rest-api-a1b2c3d4']).toMatchObject({ status: 'new', engine: 'rest-api', secretFields: ['custom_pin', 'token'] });
    expect(bySlug['mysql-bad00000']).toMatchObject({ status: 'invalid', problem: 'not valid JSON' });

    const result = await vault.importConfirm(['postgres-7e8971c3', 'rest-api-a1b2c3d4', 'mysql-bad00000']);
    expect(result.imported.map((d) => d.slug).sort()).toEqual(['postgres-7e8971c3', 'rest-api-a1b2c3d4']);
    expect(result.skipped).toEqual([{ slug: 'mysql-bad00000', reason: 'not valid JSON' }]);
    expect(await keychain.get('DS_POSTGRES_7E8971C3__PASSWORD')).toBe('anton-pg-pass');
    expect(await keychain.get('DS_REST_API_A1B2C3D4__CUSTOM_PIN')).toBe('1234');
    const env = await vault.envFor(['postgres-7e8971c3']);
    expect(env.DS_POSTGRES_7E8971C3__PORT).toBe('5432');

    expect(await fs.readFile(pgFile, 'utf8')).toBe(before);
    expect((await fs.stat(pgFile)).mtimeMs).toBe(beforeStat.mtimeMs);
    expect((await fs.readdir(antonDir)).sort()).toEqual(['mysql-bad00000', 'postgres-7e8971c3', 'rest-api-a1b2c3d4']);

    // A second import finds them already present.
    const again = await vault.importPreview();
    expect(again.items.find((i) => i.slug === 'postgres-7e8971c3')?.status).toBe('exists');
    const second = await vault.importConfirm(['postgres-7e8971c3', 'generic-nothere1']);
    expect(second.imported).toEqual([]);
    expect(second.skipped.map((s) => s.reason)).toEqual(['already in Kiln', 'not found in the anton vault']);
  });

  it('keeps an imported secure_keys field secret when it is edited later', async () => {
    await writeAnton('generic-5e5e5e5e', { fields: { url: 'https://x', pin: '1111' }, secure_keys: ['pin'] });
    await vault.importConfirm(['generic-5e5e5e5e']);
    const updated = await vault.update({ slug: 'generic-5e5e5e5e', fields: { pin: '2222' } });
    expect(updated.fields).toEqual({ url: 'https://x' });
    expect(updated.secrets).toEqual({ pin: true });
    expect(await keychain.get('DS_GENERIC_5E5E5E5E__PIN')).toBe('2222');
    const onDisk = await fs.readFile(path.join(workspace, '.kiln', 'datasources.json'), 'utf8');
    expect(onDisk).not.toContain('2222');
  });

  it('reports a missing anton vault plainly', async () => {
    const preview = await vault.importPreview();
    expect(preview).toEqual({ dir: antonDir, found: false, items: [] });
  });
});
