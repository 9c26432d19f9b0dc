import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices, type Services } from '../core/services';
import { nodePlatform } from './node-platform';
import { startWebHost, type WebHost } from './server';

let dir: string;
let host: WebHost;
let services: Services;
let origin: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-webhost-'));
  const rendererDir = path.join(dir, 'renderer');
  await fs.mkdir(rendererDir);
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kiln</title>');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'outside the renderer');
  services = await createServices({
    userData: path.join(dir, 'user-data'),
    workspaceOverride: path.join(dir, 'ws'),
    platform: nodePlatform(),
  });
  host = await startWebHost({ services, rendererDir, port: 0 });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  // Closes the host too, and stops the watcher and everything else the services started.
  await services.shutdown.runAll();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Tries a handshake; resolves with the HTTP status it was refused with, or 101 when accepted. */
function handshake(query: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: origin } });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function nextMessage(ws: WebSocket, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMsg = (raw: WebSocket.RawData): void => {
      const m = JSON.parse(String(raw)) as Record<string, unknown>;
      if (match(m)) {
        ws.off('message', onMsg);
        resolve(m);
      }
    };
    ws.on('message', onMsg);
  });
}

function get(pathname: string, hostHeader?: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: pathname, headers: hostHeader ? { Host: hostHeader } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('prints a loopback URL carrying a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses a WebSocket without the token, with a wrong one, or with a token of another length', async () => {
    expect(await handshake('', { Origin: origin })).toBe(401);
    expect(await handshake(`?token=${'x'.repeat(host.token.length)}`, { Origin: origin })).toBe(401);
    expect(await handshake(`?token=${host.token}x`, { Origin: origin })).toBe(401);
  });

  it('refuses a foreign Origin, a missing Origin and a foreign Host even with the token', async () => {
    expect(await handshake(`?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshake(`?token=${host.token}`, { Origin: 'null' })).toBe(403);
    expect(await handshake(`?token=${host.token}`, { Origin: `http://app.localhost:${host.port}` })).toBe(403);
    expect(await handshake(`?token=${host.token}`, { Origin: origin, Host: `rebind.example:${host.port}` })).toBe(403);
  });

  it('answers calls and reports malformed ones as VALIDATION errors', async () => {
    const ws = await connect();
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'app.info' }));
    const info = await nextMessage(ws, (m) => m.id === 1);
    expect(info.result).toMatchObject({ ok: true, data: { name: 'Kiln', runtime: 'web' } });

    ws.send('{not json');
    expect((await nextMessage(ws, (m) => m.type === 'result' && m.id === null)).result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'settings.update', input: { appearance: { theme: 42 } } }));
    expect((await nextMessage(ws, (m) => m.id === 2)).result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    ws.close();
  });

  it('pushes contract events to connected clients', async () => {
    const ws = await connect();
    const event = nextMessage(ws, (m) => m.type === 'event' && m.name === 'settings.changed');
    ws.send(JSON.stringify({ type: 'call', id: 3, channel: 'settings.update', input: { appearance: { theme: 'dark' } } }));
    expect((await event).payload).toMatchObject({ appearance: { theme: 'dark' } });
    ws.close();
  });

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await get('/../secret.txt')).body).not.toContain('outside the renderer');
    expect((await get('/%2e%2e/secret.txt')).body).not.toContain('outside the renderer');
    expect((await get('/', `evil.example:${host.port}`)).status).toBe(403);
  });
});
