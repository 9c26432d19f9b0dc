/**
 * The key-origin rule with the real keychain (run inside scripts/with-keyring.sh) and real HTTP
 * servers: the stored key goes to the saved provider's origin and nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { createKeyOrigins } from '../vault/key-origins-wiring';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { ProviderService } from './provider-service';

const KEY = 'sk-provider-test-key-000000000000000';
const seen: { port: number; auth: string | undefined }[] = [];
const servers: http.Server[] = [];
let keychain: KeychainSecretStore;
let secrets: Secrets;
let saved: string;
let other: string;
let userData: string;
/** The key was stored before the origins record existed: the saved origin is adopted once. */
const keyOrigins = () => createKeyOrigins({ userData, secrets, providerUrl: () => saved, publishUrl: () => 'https://publish.invalid' });

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

beforeAll(async () => {
  userData = mkdtempSync(path.join(os.tmpdir(), 'kiln-provider-'));
  saved = await modelsServer();
  other = await modelsServer();
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  secrets = new Secrets(keychain, { scrubber: new Scrubber() });
  await secrets.set('provider.apiKey', KEY);
});

afterAll(async () => {
  try {
    for (const s of servers) await new Promise((r) => s.close(r));
    for (const account of await keychain.accounts()) await keychain.delete(account);
  } finally {
    rmSync(userData, { recursive: true, force: true });
  }
});

describe('ProviderService.testConnection', () => {
  it('sends the stored key to the saved provider (given or by default)', async () => {
    const service = new ProviderService({ savedBaseUrl: () => saved, secrets, keyOrigins: keyOrigins() });
    await expect(service.testConnection({ baseUrl: saved })).resolves.toMatchObject({ models: ['m1'], usedApiKey: true });
    expect(seen.at(-1)).toEqual({ port: Number(new URL(saved).port), auth: `Bearer ${KEY}` });
    await expect(service.testConnection()).resolves.toMatchObject({ usedApiKey: true });
  });

  it('never sends the stored key to a URL typed into the form but not saved', async () => {
    const service = new ProviderService({ savedBaseUrl: () => saved, secrets, keyOrigins: keyOrigins() });
    await expect(service.testConnection({ baseUrl: other })).resolves.toMatchObject({ usedApiKey: false });
    expect(seen.at(-1)!.port).toBe(Number(new URL(other).port));
    expect(seen.at(-1)!.auth ?? '').not.toContain(KEY);
  });

  it('a path on the same origin is the same provider; another port or scheme is not', async () => {
    const service = new ProviderService({ savedBaseUrl: () => saved, secrets, keyOrigins: keyOrigins() });
    await expect(service.testConnection({ baseUrl: saved.replace('/v1', '/v1/') })).resolves.toMatchObject({ usedApiKey: true });
    const https = saved.replace('http:', 'https:');
    await expect(service.testConnection({ baseUrl: https })).rejects.toBeInstanceOf(KilnError);
    expect(seen.at(-1)!.auth).toBe(`Bearer ${KEY}`); // the https attempt reached no server with the key
  });

  it('refuses a base URL that is not one, with a sentence and without reading the key', async () => {
    let reads = 0;
    const service = new ProviderService({ savedBaseUrl: () => 'not a url', secrets: { get: async () => (reads++, KEY) }, keyOrigins: keyOrigins() });
    await expect(service.testConnection({ baseUrl: 'not a url' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('is not a URL') });
    expect(reads).toBe(0);
  });

  it('without a keychain, tests keyless (a local server needs none); other keychain errors surface', async () => {
    const locked = new ProviderService({
      savedBaseUrl: () => saved,
      keyOrigins: keyOrigins(),
      secrets: { get: async () => { throw new KilnError('UNAVAILABLE', 'No keychain here.'); } },
    });
    await expect(locked.testConnection()).resolves.toMatchObject({ usedApiKey: false });
    const broken = new ProviderService({
      savedBaseUrl: () => saved,
      keyOrigins: keyOrigins(),
      secrets: { get: async () => { throw new KilnError('IO', 'Keychain answered nonsense.'); } },
    });
    await expect(broken.testConnection()).rejects.toMatchObject({ code: 'IO' });
  });
});
