import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ArtifactStore } from '../artifacts/store';
import { PreviewServer } from './preview-server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request with an arbitrary Host header (fetch would not let us forge one). */
function get(port: number, host: string, urlPath: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function makeArtifact(root: string, slug: string, type: string, primary: string | null, files: Record<string, string>): Promise<void> {
  const dir = path.join(root, slug);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'metadata.json'),
    JSON.stringify({
      schemaVersion: 1, id: '1a2b3c4d', slug, name: slug, type, primary, port: null, datasources: [],
      createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', description: '', files: [], provenance: [],
    }),
  );
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
}

describe('PreviewServer', () => {
  let tmp: string;
  let root: string;
  let preview: PreviewServer;
  let traffic: string[];

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-preview-'));
    root = path.join(tmp, '.anton', 'artifacts');
    traffic = [];
    preview = new PreviewServer({
      artifacts: new ArtifactStore({ workspaceDir: () => tmp }),
      onTraffic: (s) => traffic.push(s),
      stateFile: path.join(tmp, '.kiln', 'state', 'preview.json'),
    });
  });

  afterEach(async () => {
    await preview.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('serves a static artifact on its own origin with a CSP, primary at /', async () => {
    await makeArtifact(root, 'dash-1a2b3c4d', 'html-app', 'dashboard.html', {
      'dashboard.html': '<h1>Sales</h1>',
      'static/app.js': 'console.log(1)',
    });
    const url = await preview.urlFor('dash-1a2b3c4d');
    const u = new URL(url);
    expect(u.hostname).toBe('dash-1a2b3c4d.localhost');
    const port = Number(u.port);
    const page = await get(port, u.host, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<h1>Sales</h1>');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self' https: wss:");
    const js = await get(port, u.host, '/static/app.js');
    expect(js.headers['content-type']).toContain('javascript');
    expect(traffic).toContain('dash-1a2b3c4d');
  });

  it('refuses a Host that is not one of its origins (DNS rebinding)', async () => {
    await makeArtifact(root, 'dash', 'html-app', 'index.html', { 'index.html': 'PAGE-CONTENT' });
    const port = Number(new URL(await preview.urlFor('dash')).port);
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `dash.localhost:${port + 1}`, 'dash.localhost']) {
      const r = await get(port, host, '/');
      expect(r.status, host).toBe(421);
      expect(r.body).not.toContain('PAGE-CONTENT');
    }
  });

  it('never serves files outside the folder, bookkeeping files or dot files', async () => {
    await makeArtifact(root, 'dash', 'html-app', 'index.html', { 'index.html': 'hi', '.env': 'SECRET=1' });
    await fs.writeFile(path.join(root, 'dash', '.published.json'), '{"x":{"password":"p"}}');
    await fs.writeFile(path.join(tmp, 'outside.txt'), 'outside');
    await fs.symlink(path.join(tmp, 'outside.txt'), path.join(root, 'dash', 'link.txt'));
    const u = new URL(await preview.urlFor('dash'));
    const port = Number(u.port);
    for (const p of ['/../../outside.txt', '/%2e%2e/%2e%2e/outside.txt', '/..%2f..%2foutside.txt', '/.env', '/.published.json', '/metadata.json', '/link.txt']) {
      const r = await get(port, u.host, p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toMatch(/outside|SECRET|password/);
    }
  });

  it('gives two artifacts different origins and keeps the port across restarts', async () => {
    await makeArtifact(root, 'one', 'html-app', 'index.html', { 'index.html': 'one' });
    await makeArtifact(root, 'two', 'html-app', 'index.html', { 'index.html': 'two' });
    const a = await preview.originFor('one');
    const b = await preview.originFor('two');
    expect(a).not.toBe(b);
    const port = new URL(a).port;
    expect(port).toBe(new URL(b).port);
    await preview.close();
    const again = new PreviewServer({ artifacts: new ArtifactStore({ workspaceDir: () => tmp }), stateFile: path.join(tmp, '.kiln', 'state', 'preview.json') });
    try {
      expect(await again.originFor('one')).toBe(a);
      // After a restart an old iframe can still load before the UI asks again.
      const r = await get(Number(port), new URL(b).host, '/');
      expect(r.body).toBe('two');
    } finally {
      await again.close();
    }
  });

  it('maps a slug that is not a DNS label to a stable hashed host', async () => {
    await makeArtifact(root, 'My_Report.v2', 'html-app', 'index.html', { 'index.html': 'odd' });
    const u = new URL(await preview.urlFor('My_Report.v2'));
    expect(u.hostname).toMatch(/^h--[0-9a-f]{20}\.localhost$/);
    expect((await get(Number(u.port), u.host, '/')).body).toBe('odd');
    await expect(preview.urlFor('../etc')).rejects.toThrow(/not an artifact folder name/);
  });

  it('forwards HTTP and WebSocket to a fullstack backend and says so when it is stopped', async () => {
    await makeArtifact(root, 'app', 'fullstack-stateless-app', 'static/index.html', {});
    const backend = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, host: req.headers.host }));
    });
    const wss = new WebSocketServer({ server: backend });
    wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${String(m)}`)));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const backendPort = (backend.address() as { port: number }).port;
    let running = false;
    preview.connectBackends(
      () => (running ? backendPort : null),
      (s) => traffic.push(s),
    );
    try {
      const u = new URL(await preview.urlFor('app'));
      const port = Number(u.port);
      const stopped = await get(port, u.host, '/api/x');
      expect(stopped.status).toBe(503);
      expect(stopped.body).toContain('not running');
      running = true;
      const r = await get(port, u.host, '/api/data?q=1');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ path: '/api/data?q=1', host: u.host });
      expect(r.headers['content-security-policy']).toBeDefined();

      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host: u.host }, origin: `http://${u.host}` });
      const reply = await new Promise<string>((resolve, reject) => {
        ws.on('open', () => ws.send('ping'));
        ws.on('message', (m) => resolve(String(m)));
        ws.on('error', reject);
      });
      expect(reply).toBe('echo:ping');
      ws.close();

      // Another origin (another artifact, the app) may not open this backend's socket.
      const foreign = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host: u.host }, origin: 'http://other.localhost:1' });
      const outcome = await new Promise<string>((resolve) => {
        foreign.on('open', () => resolve('open'));
        foreign.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        foreign.on('error', () => resolve('error'));
      });
      expect(outcome).toBe('403');
    } finally {
      wss.close();
      backend.closeAllConnections();
      await new Promise<void>((r) => backend.close(() => r()));
    }
  });
});
