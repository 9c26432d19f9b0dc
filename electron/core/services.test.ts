/**
 * The composition root's lifecycle with real services (run inside scripts/with-keyring.sh):
 * building them subscribes, the web host adds its transport, and shutdown releases every
 * subscription, so nothing is left listening on settings, notices or the event bus.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodePlatform } from '../webhost/node-platform';
import { startWebHost } from '../webhost/server';
import { KeychainSecretStore } from '../services/vault/secret-store';
import { createServices } from './services';

const dirs: string[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

async function temp(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-services-'));
  dirs.push(dir);
  return dir;
}

/** An OpenAI-compatible `/models` that records the Authorization header it got. */
async function modelsServer(auth: (string | undefined)[]): Promise<string> {
  const server = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model', created: 0, owned_by: 'x' }] }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('services lifecycle', () => {
  it('after shutdown no listener remains on settings, notices or the event bus', async () => {
    const dir = await temp();
    const rendererDir = path.join(dir, 'renderer');
    await fs.mkdir(rendererDir);
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kiln</title>');
    const services = await createServices({
      userData: path.join(dir, 'user-data'),
      workspaceOverride: path.join(dir, 'ws'),
      platform: nodePlatform(),
      env: {},
      keychainService: `KilnTest-${randomBytes(4).toString('hex')}`,
    });
    const host = await startWebHost({ services, rendererDir, port: 0 });
    expect(services.settings.listenerCount).toBeGreaterThan(0);
    expect(services.notices.listenerCount).toBeGreaterThan(0);
    const busBefore = services.events.listenerCount;
    expect(busBefore).toBeGreaterThan(0);

    // While running, settings and notices reach the bus (and through it, the transports).
    const heard: string[] = [];
    const probe = services.events.subscribe((name) => heard.push(name));
    await services.settings.update({ appearance: { theme: 'dark' } });
    services.notices.add('info', 'hello');
    expect(heard).toEqual(['settings.changed', 'app.notice']);
    probe.dispose();

    expect(await services.shutdown.runAll()).toEqual([]);
    expect(services.settings.listenerCount).toBe(0);
    expect(services.notices.listenerCount).toBe(0);
    expect(services.events.listenerCount).toBe(0);
    await host.close(); // already closed by shutdown: a second close is harmless
  }, 60_000);

  it('Test connection sends the stored key only where the agent would: OPENAI_BASE_URL while the setting is stock', async () => {
    const dir = await temp();
    const agentAuth: (string | undefined)[] = [];
    const otherAuth: (string | undefined)[] = [];
    const agentUrl = await modelsServer(agentAuth);
    const otherUrl = await modelsServer(otherAuth);
    const services = await createServices({
      userData: path.join(dir, 'user-data'),
      workspaceOverride: path.join(dir, 'ws'),
      platform: nodePlatform(),
      env: { OPENAI_BASE_URL: agentUrl },
      keychainService: `KilnTest-${randomBytes(4).toString('hex')}`,
    });
    try {
      // Through Settings' door, which confirms the URL in effect (OPENAI_BASE_URL here).
      await services.appSecrets.set('provider.apiKey', 'sk-services-test-key-0000000000');
      await expect(services.provider.testConnection()).resolves.toMatchObject({ baseUrl: agentUrl, usedApiKey: true });
      await expect(services.provider.testConnection({ baseUrl: otherUrl })).resolves.toMatchObject({ usedApiKey: false });
      expect(agentAuth).toEqual(['Bearer sk-services-test-key-0000000000']);
      expect(otherAuth[0] ?? '').not.toContain('sk-services-test-key');
    } finally {
      await services.secrets.delete('provider.apiKey').catch(() => undefined);
      await services.shutdown.runAll();
    }
  }, 60_000);
  it('an upgrade adopts the key origin in effect at start, not at the key\'s first use', async () => {
    const dir = await temp();
    const keychainService = `KilnTest-${randomBytes(4).toString('hex')}`;
    const keychain = new KeychainSecretStore({ keychainService });
    await keychain.set('provider.apiKey', 'sk-upgrade-test-key-000000000000'); // stored by an older Kiln
    const userData = path.join(dir, 'user-data');
    const services = await createServices({
      userData,
      workspaceOverride: path.join(dir, 'ws'),
      platform: nodePlatform(),
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      keychainService,
    });
    try {
      const file = path.join(userData, 'key-origins.json');
      let text = '';
      for (let i = 0; i < 100 && !text; i++) {
        text = await fs.readFile(file, 'utf8').catch(() => '');
        if (!text) await new Promise((r) => setTimeout(r, 20));
      }
      expect(JSON.parse(text).origins['provider.apiKey']).toMatchObject({ origin: 'http://127.0.0.1:9', how: 'adopted' });
    } finally {
      await keychain.delete('provider.apiKey').catch(() => undefined);
      await services.shutdown.runAll();
    }
  }, 60_000);
});
