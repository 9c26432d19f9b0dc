/**
 * A backend anton made reads datasources its record never declared. Real artifact store, real
 * vault (keychain) and anton's vault files written by hand in anton's format.
 * Run inside scripts/with-keyring.sh.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { VaultService } from '../vault/vault-service';
import { PublishService } from './publish-service';
import { folderArtifacts, makeArtifact, tempArtifactsRoot, tempDir } from './testing';

let root: string;
let keychain: KeychainSecretStore;
let vault: VaultService;
let service: PublishService;
let antonDir: string;

beforeEach(async () => {
  root = await tempArtifactsRoot();
  const ws = await tempDir('kiln-ds-uses-');
  antonDir = path.join(ws, 'home', '.anton', 'data_vault');
  await fs.mkdir(antonDir, { recursive: true });
  keychain = new KeychainSecretStore({ keychainService: `KilnDsUses-${randomBytes(4).toString('hex')}` });
  const scrubber = new Scrubber();
  vault = new VaultService({ workspaceDir: () => ws, secrets: new Secrets(keychain, { scrubber }), antonVaultDir: () => antonDir });
  service = new PublishService({
    artifacts: folderArtifacts(root),
    secrets: keychain,
    scrubber,
    vault,
    settings: () => ({ url: 'http://127.0.0.1:9', maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' }),
    env: {},
  });
});

afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
});

const antonRecord = (engine: string, name: string, fields: Record<string, unknown>) =>
  fs.writeFile(path.join(antonDir, `${engine}-${name}`), JSON.stringify({ engine, name, created_at: 'x', updated_at: 'x', fields }, null, 2));

describe('DS_* names a backend reads against what it declares', () => {
  it('names each undeclared variable with the datasource that provides it, and declares it through the record', async () => {
    const pg = await vault.create({ engine: 'postgres', label: 'Sales DB', fields: { host: 'db', database: 'sales', user: 'ro', password: 'pw-1' } });
    await antonRecord('hubspot', 'a1b2c3d4', { 'portal-id': '42', access_token: 'tok', _user_label: 'Marketing' });
    await antonRecord('mysql', 'deadbeef', { host: 'm', password: 'pw-2', _user_label: 'Legacy' });
    const rec = await makeArtifact(root, {
      type: 'fullstack-stateless-app',
      primary: 'static/index.html',
      datasources: [{ engine: 'mysql', name: 'deadbeef' }],
      files: {
        'backend.py': `import os\nfrom helpers import q\nH = os.environ["${pg.envPrefix}__HOST"]\nM = os.environ["DS_MYSQL_DEADBEEF__HOST"]\n`,
        'helpers.py': 'import os\nP = os.environ.get("DS_HUBSPOT_A1B2C3D4__PORTAL-ID")\nX = os.environ.get("DS_NOWHERE_1__KEY")\n',
        'static/index.html': '<h1>app</h1>',
      },
    });
    const check = await service.datasourceCheck(rec.slug);
    expect(check.undeclared).toEqual([
      { variable: `${pg.envPrefix}__HOST`, file: 'backend.py', line: 3, datasource: { engine: 'postgres', name: pg.name, label: 'Sales DB' }, source: 'kiln' },
      { variable: 'DS_HUBSPOT_A1B2C3D4__PORTAL-ID', file: 'helpers.py', line: 2, datasource: { engine: 'hubspot', name: 'a1b2c3d4', label: 'Marketing' }, source: 'anton' },
      { variable: 'DS_NOWHERE_1__KEY', file: 'helpers.py', line: 3, datasource: null, source: null },
    ]);
    // Declared, absent from Kiln's vault, present in anton's: offer the import, not "no datasource".
    expect(check.missing).toEqual([{ engine: 'mysql', name: 'deadbeef', slug: 'mysql-deadbeef', inAnton: true }]);

    const after = await service.declareDatasource(rec.slug, { engine: 'postgres', name: pg.name });
    expect(after.undeclared.map((u) => u.variable)).toEqual(['DS_HUBSPOT_A1B2C3D4__PORTAL-ID', 'DS_NOWHERE_1__KEY']);
    const meta = JSON.parse(await fs.readFile(path.join(root, rec.slug, 'metadata.json'), 'utf8')) as { datasources: unknown[] };
    expect(meta.datasources).toEqual([{ engine: 'mysql', name: 'deadbeef' }, { engine: 'postgres', name: pg.name }]);

    await vault.importConfirm(['mysql-deadbeef']);
    expect((await service.datasourceCheck(rec.slug)).missing).toEqual([]);
  });

  it('says nothing for a static artifact', async () => {
    const rec = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<p>DS_FAKE__X</p>' } });
    expect(await service.datasourceCheck(rec.slug)).toEqual({ slug: rec.slug, undeclared: [], missing: [] });
  });
});
