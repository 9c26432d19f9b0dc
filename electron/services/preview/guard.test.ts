import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../artifacts/store';
import { PREVIEW_CSP } from './csp';
import { PreviewServer } from './preview-server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawCsp: string[];
  body: string;
}

function request(port: number, host: string, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const csp: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'content-security-policy') csp.push(res.rawHeaders[i + 1]!);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawCsp: csp, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function makeArtifact(root: string, slug: string, type: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, slug);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'metadata.json'),
    JSON.stringify({ schemaVersion: 1, id: `${slug}-id`, slug, name: slug, type, primary: 'index.html', port: null, datasources: [], createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', description: '', files: [], provenance: [] }),
  );
  for (const [rel, content] of Object.entries(files)) await fs.writeFile(path.join(dir, rel), content);
  return dir;
}

/** Preview hardening: confinement of the folder, other sites kept from backends, framing and CSP. */
describe('preview proxy against other sites', () => {
  let tmp: string;
  let root: string;
  let preview: PreviewServer;
  let backend: http.Server;
  let backendHits: string[];

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-guard-'));
    root = path.join(tmp, '.anton', 'artifacts');
    backendHits = [];
    // A real HTTP backend with its own (looser) CSP.
    backend = http.createServer((req, res) => {
      backendHits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-security-policy': "default-src * 'unsafe-inline'" }).end('backend says hi');
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
    const port = (backend.address() as { port: number }).port;
    preview = new PreviewServer({ artifacts: new ArtifactStore({ workspaceDir: () => tmp }), backendPort: (slug) => (slug === 'app' ? port : null) });
    preview.allowFramingBy(['http://127.0.0.1:4123']);
  });
  afterEach(async () => {
    await preview.close();
    await new Promise((r) => backend.close(r));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('refuses a folder symlinked outside the workspace, which the contract refuses too', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-outside-'));
    try {
      await makeArtifact(outside, 'real', 'html-app', { 'index.html': '<p>secret page outside the workspace</p>' });
      await fs.mkdir(root, { recursive: true });
      await fs.symlink(path.join(outside, 'real'), path.join(root, 'linked'));
      await makeArtifact(root, 'inside', 'html-app', { 'index.html': '<p>fine</p>' });
      const origin = new URL(await preview.urlFor('inside'));
      const r = await request(Number(origin.port), `linked.localhost:${origin.port}`, '/');
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('secret page');
      expect((await request(Number(origin.port), origin.host, '/')).body).toContain('fine');
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('a request from another site (or another artifact) never reaches the backend; its own pages and navigations do', async () => {
    await makeArtifact(root, 'app', 'fullstack-stateless-app', {});
    const url = new URL(await preview.urlFor('app'));
    const port = Number(url.port);
    const foreign = await request(port, url.host, '/api/delete-everything', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const sibling = await request(port, url.host, '/api/data', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', origin: `http://other.localhost:${port}` }, 'POST');
    expect(sibling.status).toBe(403);
    const oldBrowser = await request(port, url.host, '/api/data', { origin: 'https://evil.example' }, 'POST');
    expect(oldBrowser.status).toBe(403);
    expect(backendHits).toEqual([]);

    expect((await request(port, url.host, '/api/data', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: url.origin })).status).toBe(200);
    // Kiln's pane loads the page as a cross-site navigation into an iframe.
    expect((await request(port, url.host, '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' })).status).toBe(200);
    expect(backendHits).toEqual(['GET /api/data', 'GET /']);
  });

  it("combines a backend's CSP with the baseline and allows framing only by the app", async () => {
    await makeArtifact(root, 'app', 'fullstack-stateless-app', {});
    const url = new URL(await preview.urlFor('app'));
    const r = await request(Number(url.port), url.host, '/', { 'sec-fetch-mode': 'navigate' });
    expect(r.status).toBe(200);
    expect(r.rawCsp).toEqual([PREVIEW_CSP, "frame-ancestors 'self' app://kiln http://127.0.0.1:4123", "default-src * 'unsafe-inline'"]);
    const page = await request(Number(url.port), url.host, '/nope', {});
    expect(page.rawCsp.slice(0, 2)).toEqual([PREVIEW_CSP, "frame-ancestors 'self' app://kiln http://127.0.0.1:4123"]);
  });
});
