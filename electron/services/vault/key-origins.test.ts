/**
 * Keys follow confirmed origins (docs/security.md, point 6), with the real keychain (run inside
 * scripts/with-keyring.sh) and real HTTP servers on loopback: two ports are two origins. Each
 * server records the Authorization header of every request it got.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../e2e/fixtures/model-server';
import { startPublishServer, type PublishServer } from '../../../e2e/fixtures/publish-server';
import { KilnError } from '../../../shared/contract/core';
import { PROVIDER_API_KEY_ACCOUNT, PUBLISH_API_KEY_ACCOUNT } from '../../../shared/vault/accounts';
import { resolveProvider } from '../agent/provider';
import { ModelClient } from '../agent/model-client';
import { ProviderService } from '../provider/provider-service';
import { PublishService } from '../publish/publish-service';
import { folderArtifacts, makeArtifact, MemoryVault, tempArtifactsRoot } from '../publish/testing';
import { AppSecrets } from '../settings/app-secrets';
import { createKeyOrigins } from './key-origins-wiring';
import { originOf } from './key-origins';
import { Scrubber } from './scrubber';
import { KeychainSecretStore } from './secret-store';
import { Secrets, environmentOverlay } from './secrets';

const KEY = 'sk-origin-test-key-0123456789abcdef';

interface Recording {
  url: string;
  auth: (string | undefined)[];
  close(): Promise<void>;
}

/** An OpenAI-compatible `/v1/models` that records who sent what. */
async function modelsServer(): Promise<Recording> {
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model', created: 0, owned_by: 'x' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    auth,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let userData: string;
let keychain: KeychainSecretStore;
let cleanups: (() => Promise<unknown> | unknown)[];

beforeEach(() => {
  userData = mkdtempSync(path.join(os.tmpdir(), 'kiln-key-origins-'));
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  cleanups = [];
});

afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const account of await keychain.accounts()) await keychain.delete(account);
  rmSync(userData, { recursive: true, force: true });
});

const originsFile = (): string => path.join(userData, 'key-origins.json');

/** The provider as the composition root wires it: URL from settings (else OPENAI_BASE_URL). */
function providerWorld(opts: { env?: NodeJS.ProcessEnv; baseUrl: string }) {
  const env = opts.env ?? {};
  const settings = { baseUrl: opts.baseUrl, model: 'test-model' };
  const secrets = new Secrets(keychain, { scrubber: new Scrubber(), overlay: environmentOverlay(env) });
  const url = (): string => resolveProvider(settings, env, null).baseUrl;
  const keyOrigins = createKeyOrigins({ userData, secrets, providerUrl: url, publishUrl: () => 'https://publish.invalid' });
  const provider = new ProviderService({ savedBaseUrl: url, secrets, keyOrigins });
  const appSecrets = new AppSecrets(secrets, keyOrigins);
  return { settings, provider, appSecrets, keyOrigins, secrets };
}

async function failure(p: Promise<unknown>): Promise<KilnError> {
  const e = await p.then(() => null, (error: unknown) => error);
  expect(e).toBeInstanceOf(KilnError);
  return e as KilnError;
}

describe('originOf', () => {
  it('normalises scheme, host case and default port; refuses what is not http(s)', () => {
    expect(originOf('HTTPS://API.Example.com:443/v1/')).toBe('https://api.example.com');
    expect(originOf(' http://127.0.0.1:8080/x ')).toBe('http://127.0.0.1:8080');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});

describe('provider key', () => {
  it('never reaches a second origin before the user confirms it; after Confirm it does', async () => {
    const first = await modelsServer();
    const second = await modelsServer();
    cleanups.push(first.close, second.close);
    const w = providerWorld({ baseUrl: first.url });
    await w.appSecrets.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: true });
    expect(first.auth).toEqual([`Bearer ${KEY}`]);

    // The saved URL changes (Settings, or a hand-edited settings.json): nothing goes out with the key.
    w.settings.baseUrl = second.url;
    const origin = new URL(second.url).origin;
    for (const attempt of [() => w.provider.testConnection(), () => w.provider.testConnection({ baseUrl: second.url }), () => w.provider.storedApiKey()]) {
      const e = await failure(attempt());
      expect(e).toMatchObject({ code: 'FORBIDDEN', reason: 'origin-unconfirmed' });
      expect(e.message).toBe(
        `Your provider API key was confirmed for ${new URL(first.url).origin}, not for ${origin}, so Kiln did not send it there. If you trust ${origin}, confirm it in Settings → Provider.`,
      );
      expect(e.message).not.toContain(KEY);
    }
    expect(second.auth).toEqual([]);
    await expect(w.provider.keyOrigin()).resolves.toEqual({
      keySet: true, currentOrigin: origin, confirmedOrigin: new URL(first.url).origin, needsConfirm: true, recordDamaged: false,
    });

    await expect(w.provider.confirmOrigin(origin)).resolves.toMatchObject({ confirmedOrigin: origin, needsConfirm: false });
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: true });
    expect(second.auth).toEqual([`Bearer ${KEY}`]);
    // Confirming one origin un-confirms the old one: going back asks again.
    w.settings.baseUrl = first.url;
    expect((await failure(w.provider.testConnection())).reason).toBe('origin-unconfirmed');
    expect(first.auth).toHaveLength(1);
  });

  it('a chat call (the agent path, real openai SDK) to an unconfirmed origin fails before any request', async () => {
    const first: ModelServer = await startModelServer();
    const second: ModelServer = await startModelServer();
    cleanups.push(() => first.close(), () => second.close());
    const w = providerWorld({ baseUrl: first.url });
    await w.appSecrets.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    w.settings.baseUrl = second.url;
    const turn = async (): Promise<string> => {
      const config = resolveProvider(w.settings, {}, await w.provider.storedApiKey());
      const result = await new ModelClient().stream(config, { messages: [{ role: 'user', content: 'hi' }], tools: [] }, { onText: () => undefined }, new AbortController().signal);
      return result.text;
    };
    expect((await failure(turn())).reason).toBe('origin-unconfirmed');
    expect(second.requests).toEqual([]);
    await w.provider.confirmOrigin(new URL(second.url).origin);
    second.enqueue({ kind: 'text', text: 'hello' });
    await expect(turn()).resolves.toBe('hello');
    expect(second.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('an environment override (OPENAI_BASE_URL) is a new origin too; confirming a stale origin is refused', async () => {
    const first = await modelsServer();
    const second = await modelsServer();
    cleanups.push(first.close, second.close);
    const confirmed = providerWorld({ baseUrl: first.url });
    await confirmed.appSecrets.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    // Next start: the setting is back to the stock URL and the environment points elsewhere.
    const w = providerWorld({ baseUrl: 'https://api.openai.com/v1', env: { OPENAI_BASE_URL: second.url } });
    expect((await failure(w.provider.testConnection())).message).toContain(`If you trust ${new URL(second.url).origin}, confirm it`);
    expect(second.auth).toEqual([]);
    const stale = await failure(w.provider.confirmOrigin('https://api.openai.com'));
    expect(stale).toMatchObject({ code: 'CONFLICT' });
    await w.provider.confirmOrigin(new URL(second.url).origin);
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: true });
    expect(second.auth).toEqual([`Bearer ${KEY}`]);
  });

  it('an upgrade (key stored, no record yet) adopts the origin in effect once, in a 0600 file; later moves ask', async () => {
    const first = await modelsServer();
    const second = await modelsServer();
    cleanups.push(first.close, second.close);
    await keychain.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    const w = providerWorld({ baseUrl: first.url });
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: true });
    const record = JSON.parse(await fs.readFile(originsFile(), 'utf8')) as { origins: Record<string, { origin: string; how: string }> };
    expect(record.origins[PROVIDER_API_KEY_ACCOUNT]).toMatchObject({ origin: new URL(first.url).origin, how: 'adopted' });
    expect(record.origins[PUBLISH_API_KEY_ACCOUNT]).toBeUndefined(); // no publish key stored: nothing adopted
    expect((await fs.stat(originsFile())).mode & 0o777).toBe(0o600);
    expect((await fs.stat(userData)).mode & 0o777).toBe(0o700);
    expect(await fs.readFile(originsFile(), 'utf8')).not.toContain(KEY);

    // Adoption happened once: a key appearing later, or a new origin, is not adopted again.
    w.settings.baseUrl = second.url;
    expect((await failure(w.provider.testConnection())).reason).toBe('origin-unconfirmed');
    const again = providerWorld({ baseUrl: second.url });
    expect((await failure(again.provider.testConnection())).reason).toBe('origin-unconfirmed');
    expect(second.auth).toEqual([]);
  });

  it('clearing the key forgets its confirmation; a keyless provider needs none', async () => {
    const first = await modelsServer();
    cleanups.push(first.close);
    const w = providerWorld({ baseUrl: first.url });
    await w.appSecrets.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    await w.appSecrets.clear(PROVIDER_API_KEY_ACCOUNT);
    await expect(w.provider.keyOrigin()).resolves.toMatchObject({ keySet: false, confirmedOrigin: null, needsConfirm: false });
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: false });
  });

  it('a damaged record: clear error, nothing sent, kept aside on Confirm, nothing else lost', async () => {
    const first = await modelsServer();
    cleanups.push(first.close);
    const w = providerWorld({ baseUrl: first.url });
    await w.appSecrets.set(PROVIDER_API_KEY_ACCOUNT, KEY);
    for (const garbage of ['{"version": 1, "origins": {"provider.apiKey": {"origin": "http://', '{"version":1,"origins":{"provider.apiKey":{"origin":"javascript:alert(1)"}}}', '[]']) {
      await fs.writeFile(originsFile(), garbage);
      const e = await failure(w.provider.testConnection());
      expect(e).toMatchObject({ code: 'FORBIDDEN', reason: 'origin-unconfirmed' });
      expect(e.message).toContain('Kiln could not read where your provider API key may be sent (key-origins.json is damaged)');
      expect(first.auth).toEqual([]);
      await expect(w.provider.keyOrigin()).resolves.toMatchObject({ recordDamaged: true, needsConfirm: true, confirmedOrigin: null });
      // Reading never rewrites it.
      expect(await fs.readFile(originsFile(), 'utf8')).toBe(garbage);
    }
    await w.provider.confirmOrigin(new URL(first.url).origin);
    const kept = (await fs.readdir(userData)).filter((f) => f.startsWith('key-origins.json.damaged-'));
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(userData, kept[0]!), 'utf8')).toBe('[]');
    await expect(w.provider.testConnection()).resolves.toMatchObject({ usedApiKey: true });
    expect(await keychain.get(PROVIDER_API_KEY_ACCOUNT)).toBe(KEY);
  });

  it('a keychain that does not answer postpones the adoption instead of recording "no key"', async () => {
    const secrets = { has: async (): Promise<boolean> => { throw new KilnError('UNAVAILABLE', 'No keychain.'); } };
    const origins = createKeyOrigins({ userData, secrets, providerUrl: () => 'http://127.0.0.1:9/v1', publishUrl: () => 'https://publish.invalid' });
    await expect(origins.status(PROVIDER_API_KEY_ACCOUNT)).resolves.toMatchObject({ keySet: false, needsConfirm: false });
    await expect(fs.access(originsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('publish key (datasource secrets travel only in the same, gated upload)', () => {
  let servers: PublishServer[];
  beforeEach(() => {
    servers = [];
  });
  afterEach(async () => {
    for (const s of servers) await s.close();
  });

  /**
   * Two real publish servers and a PublishService wired as the app wires it, pointed at the
   * first; `wrap` may stand in front of the secrets the service reads.
   */
  async function publishWorld(wrap?: (secrets: Secrets, settings: { url: string }, second: PublishServer) => Secrets) {
    const first = await startPublishServer({ apiKey: KEY });
    const second = await startPublishServer({ apiKey: KEY });
    servers.push(first, second);
    const root = await tempArtifactsRoot();
    const settings = { url: first.url, maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' };
    const scrubber = new Scrubber();
    const secrets = new Secrets(keychain, { scrubber });
    const keyOrigins = createKeyOrigins({ userData, secrets, providerUrl: () => 'https://api.openai.com/v1', publishUrl: () => publish.publishUrl() });
    const publish: PublishService = new PublishService({
      artifacts: folderArtifacts(root),
      secrets: wrap ? wrap(secrets, settings, second) : secrets,
      scrubber,
      vault: new MemoryVault((n, v) => scrubber.register(n, v)),
      settings: () => settings,
      env: {},
      keyOrigins,
      client: { retries: 0, retryDelayMs: 10, idleTimeoutMs: 2000 },
    });
    return { first, second, root, settings, publish };
  }

  it('never reaches a second publish server before Confirm; after Confirm it does', async () => {
    const { first, second, root, settings, publish } = await publishWorld();
    await publish.setApiKey(KEY); // the review sheet: confirms the URL in effect
    const a = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<h1>hi</h1>' } });
    await expect(publish.publish(a.slug)).resolves.toMatchObject({ url: expect.stringContaining(first.url) });

    settings.url = second.url;
    const origin = new URL(second.url).origin;
    await expect(publish.keyOrigin()).resolves.toMatchObject({ needsConfirm: true, currentOrigin: origin, confirmedOrigin: new URL(first.url).origin });
    const e = await failure(publish.publish(a.slug));
    expect(e).toMatchObject({ code: 'FORBIDDEN', reason: 'origin-unconfirmed' });
    expect(e.message).toContain(`If you trust ${origin}, confirm it in Settings → Publishing.`);
    expect((await failure(publish.unpublish(a.slug))).reason).toBe('origin-unconfirmed');
    expect(second.requests).toEqual([]);

    await publish.confirmOrigin(origin);
    const b = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<h1>there</h1>' } });
    await expect(publish.publish(b.slug)).resolves.toMatchObject({ url: expect.stringContaining(second.url) });
    expect(second.uploads().map((r) => r.authorization)).toEqual([`Bearer ${KEY}`]);
  });
  it('a publish URL changed while the upload is being prepared does not redirect the key', async () => {
    // The report's password is looked up after the key was checked and before the upload: the
    // user switches the publish URL in Settings at exactly that moment.
    const { first, second, root, settings, publish } = await publishWorld((real, live, other) => {
      const switching = Object.create(real) as Secrets;
      switching.get = async (account: string): Promise<string | null> => {
        const value = await real.get(account);
        if (account !== PUBLISH_API_KEY_ACCOUNT) live.url = other.url;
        return value;
      };
      return switching;
    });
    await publish.setApiKey(KEY);
    const a = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<h1>hi</h1>' } });
    await expect(publish.publish(a.slug)).resolves.toMatchObject({ url: expect.stringContaining(first.url) });
    expect(settings.url).toBe(second.url); // the switch really happened mid-publish
    expect(second.requests).toEqual([]);
    expect(first.uploads().map((r) => r.authorization)).toEqual([`Bearer ${KEY}`]);
  });
});
