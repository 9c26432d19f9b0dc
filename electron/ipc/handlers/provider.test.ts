import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../core/services';
import { SettingsStore } from '../../services/settings/settings-store';
import { Scrubber } from '../../services/vault/scrubber';
import { KeychainSecretStore } from '../../services/vault/secret-store';
import { Secrets } from '../../services/vault/secrets';
import { createRouter, type HandlerMap } from '../router';
import { providerHandlers } from './provider';

const KEY = 'sk-provider-test-key-000000000000000';
const seen: { port: number; auth: string | undefined }[] = [];
const servers: http.Server[] = [];
let keychain: KeychainSecretStore;
let dir: string;

async function modelsServer(): Promise<string> {
  const server = http.createServer((req, res) => {
    seen.push({ port: (server.address() as AddressInfo).port, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model', created: 0, owned_by: 'x' }] }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

let saved: string;
let other: string;
let router: ReturnType<typeof createRouter>;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-provider-'));
  saved = await modelsServer();
  other = await modelsServer();
  const settings = new SettingsStore(dir);
  await settings.load();
  await settings.update({ provider: { baseUrl: saved } });
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  const secrets = new Secrets(keychain, { scrubber: new Scrubber() });
  await secrets.set('provider.apiKey', KEY);
  router = createRouter(providerHandlers({ settings, secrets } as unknown as Services) as HandlerMap);
});

afterAll(async () => {
  for (const s of servers) s.close();
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await fs.rm(dir, { recursive: true, force: true });
});

describe('provider.testConnection', () => {
  it('sends the stored key to the saved provider', async () => {
    const r = await router.call('provider.testConnection', { baseUrl: saved }, { transport: 'test' });
    expect(r).toMatchObject({ ok: true, data: { models: ['m1'], usedApiKey: true } });
    expect(seen.at(-1)).toEqual({ port: Number(new URL(saved).port), auth: `Bearer ${KEY}` });
  });

  it('never sends the stored key to a URL typed into the form but not saved', async () => {
    const r = await router.call('provider.testConnection', { baseUrl: other }, { transport: 'test' });
    expect(r).toMatchObject({ ok: true, data: { usedApiKey: false } });
    expect(seen.at(-1)!.port).toBe(Number(new URL(other).port));
    expect(seen.at(-1)!.auth ?? '').not.toContain(KEY);
  });
});
