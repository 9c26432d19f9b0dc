/**
 * Every vault / secrets / provider endpoint through the real router, with the real keychain
 * (run inside scripts/with-keyring.sh): no output, error or event ever carries a secret value.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../core/services';
import { EventBus } from '../../services/events/event-bus';
import { SettingsStore } from '../../services/settings/settings-store';
import { Scrubber } from '../../services/vault/scrubber';
import { KeychainSecretStore } from '../../services/vault/secret-store';
import { Secrets, environmentOverlay } from '../../services/vault/secrets';
import { VaultService } from '../../services/vault/vault-service';
import { createKeyOrigins } from '../../services/vault/key-origins-wiring';
import { ProviderService } from '../../services/provider/provider-service';
import { AppSecrets } from '../../services/settings/app-secrets';
import { createRouter, type HandlerMap, type Router } from '../router';
import { providerHandlers } from './provider';
import { vaultHandlers } from './vault';
import { datasourcesHandlers } from './datasources';
import { DatasourceService } from '../../services/datasources/datasource-service';

const SECRETS = {
  provider: 'sk-provider-key-ABCDEFGHIJKLMNOP1234',
  publish: 'mdb_publish_key_0123456789',
  pg: 'pg pass with spaces & symbols!',
  pgRotated: 'rotated-Pg-9',
  token: 'rest-token-xyz',
  anton: 'anton-imported-password',
  env: 'env-only-openai-key',
};

let dir: string;
let keychain: KeychainSecretStore;
let scrubber: Scrubber;
let router: Router;
let server: http.Server;
let baseUrl: string;
const outputs: unknown[] = [];

async function call(channel: string, input?: unknown): Promise<unknown> {
  const result = await router.call(channel, input, { transport: 'test' });
  outputs.push(result);
  return result;
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const result = (await call(channel, input)) as { ok: boolean; data?: T; error?: unknown };
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
  return result.data as T;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-vault-ipc-'));
  const workspace = path.join(dir, 'ws');
  const antonDir = path.join(dir, 'anton');
  await fs.mkdir(antonDir, { recursive: true });
  await fs.writeFile(path.join(antonDir, 'mysql-0a0b0c0d'), JSON.stringify({ fields: { host: 'my.example', user: 'u', password: SECRETS.anton } }));

  // A provider that always rejects the key: its error must not echo it.
  server = http.createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'bad key', code: 'invalid_api_key' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  scrubber = new Scrubber();
  const secrets = new Secrets(keychain, { scrubber, overlay: environmentOverlay({ KILN_PUBLISH_API_KEY: SECRETS.env }) });
  const events = new EventBus();
  events.subscribe((name, payload) => outputs.push({ event: name, payload }));
  const settings = new SettingsStore(path.join(dir, 'userdata'));
  await settings.load();
  // The stored key is only sent to the saved provider (see provider.test.ts).
  await settings.update({ provider: { baseUrl } });
  const vault = new VaultService({
    workspaceDir: () => workspace,
    secrets,
    antonVaultDir: () => antonDir,
  });
  vault.onChanged((list) => events.emit('vault.changed', list));
  // Only the parts these handlers use; the rest of the composition root is out of scope here.
  const keyOrigins = createKeyOrigins({ userData: path.join(dir, 'userdata'), secrets, providerUrl: () => settings.get().provider.baseUrl, publishUrl: () => 'https://publish.invalid' });
  const provider = new ProviderService({ savedBaseUrl: () => settings.get().provider.baseUrl, secrets, keyOrigins });
  const appSecrets = new AppSecrets(secrets, keyOrigins);
  appSecrets.onChanged((status) => events.emit('secrets.changed', status));
  const datasources = new DatasourceService({ vault, scrub: (t) => scrubber.scrub(t), python: async () => '/usr/bin/python3', connectTimeoutMs: 3000 });
  const services = { secrets, vault, events, settings, provider, appSecrets, datasources } as unknown as Services;
  router = createRouter({ ...vaultHandlers(services), ...providerHandlers(services), ...datasourcesHandlers(services) } as HandlerMap, {
    scrub: (t) => scrubber.scrub(t),
  });
});

afterAll(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await new Promise((r) => server.close(r));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('vault endpoints', () => {
  it('never return a secret value from any endpoint, error or event', async () => {
    let status = await ok<{ secrets: { account: string; set: boolean; source: string | null }[] }>('secrets.status');
    expect(status.secrets).toEqual([
      { account: 'provider.apiKey', set: false, source: null },
      { account: 'publish.apiKey', set: true, source: 'environment' },
    ]);
    await ok('secrets.set', { account: 'provider.apiKey', value: SECRETS.provider });
    status = await ok('secrets.set', { account: 'publish.apiKey', value: SECRETS.publish });
    expect(status.secrets.map((s) => s.source)).toEqual(['keychain', 'keychain']);

    const pg = await ok<{ slug: string; secrets: Record<string, boolean> }>('vault.create', {
      engine: 'postgres',
      label: 'Warehouse',
      fields: { host: 'db.example', database: 'dw', user: 'etl', password: SECRETS.pg },
    });
    expect(pg.secrets).toEqual({ password: true });
    const api = await ok<{ slug: string }>('vault.create', { engine: 'rest-api', label: 'API', fields: { base_url: 'https://api.example', token: SECRETS.token } });
    await ok('vault.list');
    await ok('vault.get', { slug: pg.slug });
    await ok('vault.update', { slug: pg.slug, label: 'Warehouse (prod)' });
    await ok('vault.update', { slug: pg.slug, fields: { password: SECRETS.pgRotated } });
    const preview = await ok<{ items: { slug: string }[] }>('vault.importPreview');
    expect(preview.items.map((i) => i.slug)).toEqual(['mysql-0a0b0c0d']);
    await ok('vault.importConfirm', { slugs: ['mysql-0a0b0c0d'] });
    // Test connection (saved and draft, failing): sentences and a recorded status, never a value.
    const tested = await ok<{ ok: boolean; message: string }>('datasources.test', { slug: pg.slug });
    expect(tested.ok).toBe(false);
    await ok('datasources.test', { slug: 'mysql-0a0b0c0d' });
    await ok('datasources.testDraft', { engine: 'postgres', fields: { host: '127.0.0.1', port: '9', database: 'dw', user: 'etl', password: SECRETS.pg } });
    expect(((await call('datasources.test', { slug: '../etc' })) as { ok: boolean }).ok).toBe(false);

    // Errors too: a bad update, an unknown slug, a rejected provider key.
    const bad = (await call('vault.update', { slug: api.slug, fields: { base_url: SECRETS.token } })) as { ok: boolean };
    expect(bad.ok).toBe(false);
    expect(((await call('vault.get', { slug: 'postgres-ffffffff' })) as { ok: boolean }).ok).toBe(false);
    const test = (await call('provider.testConnection', { baseUrl })) as { ok: boolean; error?: { message: string } };
    expect(test).toMatchObject({ ok: false, error: { message: expect.stringContaining('rejected the API key') } });

    await ok('secrets.clear', { account: 'publish.apiKey' });
    await ok('secrets.clear', { account: 'provider.apiKey' });
    await ok('vault.delete', { slug: api.slug });
    await ok('vault.list');

    const transcript = JSON.stringify(outputs);
    for (const value of Object.values(SECRETS)) expect(transcript).not.toContain(value);
    for (const { value } of scrubber.entries()) expect(transcript).not.toContain(value);
    expect(scrubber.entries().length).toBeGreaterThanOrEqual(6);
    expect(outputs.some((o) => (o as { event?: string }).event === 'vault.changed')).toBe(true);
    expect(outputs.some((o) => (o as { event?: string }).event === 'secrets.changed')).toBe(true);
  });

  it('rejects a blank key instead of silently clearing the stored one', async () => {
    await ok('secrets.set', { account: 'provider.apiKey', value: 'kept-key-1' });
    const result = (await call('secrets.set', { account: 'provider.apiKey', value: '   ' })) as { ok: boolean; error?: { code: string } };
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await keychain.get('provider.apiKey')).toBe('kept-key-1');
  });

  it('rejects a renderer trying to set a datasource secret through secrets.set', async () => {
    const result = (await call('secrets.set', { account: 'DS_POSTGRES_00000000__PASSWORD', value: 'x' })) as { ok: boolean; error?: { code: string } };
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
