import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../artifacts/store';
import { PreviewServer } from './preview-server';
import { CLIENT_PATH, CLIENT_TAG, CLIENT_URL, injectClient } from './reload-client';
import { pngSize, Thumbnails } from './thumbnails';

const TAG = CLIENT_TAG;

function get(port: number, host: string, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function makeArtifact(root: string, slug: string, type: string, primary: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, slug);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'metadata.json'),
    JSON.stringify({
      schemaVersion: 1, id: '7e57beef', slug, name: slug, type, primary, port: null, datasources: [],
      createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', description: '', files: [], provenance: [],
    }),
  );
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}

const FRAME = { 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' };

describe('injectClient', () => {
  it('goes after <head>, else <html>, else the doctype, never before the doctype', () => {
    expect(injectClient(Buffer.from('<!doctype html><html lang="en"><head><title>x</title></head>')).toString()).toBe(
      `<!doctype html><html lang="en"><head>${TAG}<title>x</title></head>`,
    );
    expect(injectClient(Buffer.from('<!DOCTYPE html><html><body>x')).toString()).toBe(`<!DOCTYPE html><html>${TAG}<body>x`);
    expect(injectClient(Buffer.from('<!doctype html><h1>x</h1>')).toString()).toBe(`<!doctype html>${TAG}<h1>x</h1>`);
    expect(injectClient(Buffer.from('<h1>x</h1>')).toString()).toBe(`${TAG}<h1>x</h1>`);
    // A <header> element is not <head>.
    expect(injectClient(Buffer.from('<header>h</header>')).toString()).toBe(`${TAG}<header>h</header>`);
  });
});

describe('the preview proxy adds the live client to page navigations only', () => {
  let tmp: string;
  let root: string;
  let preview: PreviewServer;
  let backend: http.Server | null = null;

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-live-'));
    root = path.join(tmp, '.anton', 'artifacts');
    preview = new PreviewServer({ artifacts: new ArtifactStore({ workspaceDir: () => tmp }) });
  });

  afterEach(async () => {
    await preview.close();
    if (backend) await new Promise((r) => backend!.close(r));
    backend = null;
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('static: a framed page gets the tag; the file on disk, fetches and other files do not', async () => {
    const html = '<!doctype html><html><head><title>r</title></head><body>report</body></html>';
    const dir = await makeArtifact(root, 'report', 'html-app', 'index.html', { 'index.html': html, 'data.json': '{"a":1}' });
    const u = new URL(await preview.urlFor('report'));
    const port = Number(u.port);
    const framed = await get(port, u.host, '/', FRAME);
    expect(framed.body).toBe(html.replace('<head>', `<head>${TAG}`));
    expect(Number(framed.headers['content-length'])).toBe(Buffer.byteLength(framed.body));
    expect((await get(port, u.host, '/', { 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' })).body).toBe(html);
    expect((await get(port, u.host, '/')).body).toBe(html); // no browser metadata (curl, a bundler)
    expect((await get(port, u.host, '/data.json', FRAME)).body).toBe('{"a":1}');
    expect(await fs.readFile(path.join(dir, 'index.html'), 'utf8')).toBe(html);
  });

  it('serves the client and html-to-image under /__kiln/ with the preview CSP', async () => {
    await makeArtifact(root, 'report', 'html-app', 'index.html', { 'index.html': 'x' });
    const u = new URL(await preview.urlFor('report'));
    const client = await get(Number(u.port), u.host, CLIENT_PATH);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toContain('javascript');
    expect(client.headers['content-security-policy']).toBeTruthy();
    expect(client.body).toContain("type === 'reload'");
    expect(client.headers['cache-control']).toBe('no-store');
    // The tag's content-versioned URL is cached, so a live reload does not fetch it again.
    const versioned = await get(Number(u.port), u.host, CLIENT_URL);
    expect(versioned.body).toBe(client.body);
    expect(versioned.headers['cache-control']).toBe('max-age=31536000, immutable');
    expect(CLIENT_TAG).toBe(`<script src="${CLIENT_URL}" async></script>`);
    const capture = await get(Number(u.port), u.host, '/__kiln/html-to-image.js');
    expect(capture.status).toBe(200);
    expect(capture.body).toContain('htmlToImage');
    expect((await get(Number(u.port), u.host, '/__kiln/other.js')).status).toBe(404);
  });

  it('fullstack: an uncompressed HTML answer to a navigation gets the tag; JSON and fetches pass untouched', async () => {
    const seen: (string | undefined)[] = [];
    backend = http.createServer((req, res) => {
      seen.push(req.headers['accept-encoding']);
      if (req.url === '/api') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<html><head><title>app</title></head>');
      res.end('<body>app</body></html>');
    });
    await new Promise<void>((r) => backend!.listen(0, '127.0.0.1', () => r()));
    const backendPort = (backend.address() as { port: number }).port;
    preview.connectBackends(() => backendPort, () => undefined);
    await makeArtifact(root, 'app', 'fullstack-stateless-app', 'static/index.html', {});
    const u = new URL(await preview.urlFor('app'));
    const port = Number(u.port);
    const page = await get(port, u.host, '/', { ...FRAME, 'accept-encoding': 'gzip, br' });
    expect(page.body).toBe(`<html><head>${TAG}<title>app</title></head><body>app</body></html>`);
    expect(seen[0]).toBe('identity');
    expect((await get(port, u.host, '/api', FRAME)).body).toBe('{"ok":true}');
    const fetched = await get(port, u.host, '/', { 'sec-fetch-dest': 'empty', 'accept-encoding': 'gzip' });
    expect(fetched.body).not.toContain(TAG);
    expect(seen.at(-1)).toBe('gzip');
  });
});

describe('Thumbnails', () => {
  let ws: string;
  beforeEach(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-thumbs-'));
  });
  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  /** A valid PNG header (signature + IHDR) of the given size; enough for the size check. */
  const png = (w: number, h: number): string => {
    const b = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
    b.writeUInt32BE(13, 8);
    b.write('IHDR', 12, 'latin1');
    b.writeUInt32BE(w, 16);
    b.writeUInt32BE(h, 20);
    return `data:image/png;base64,${b.toString('base64')}`;
  };

  it('stores a PNG under <ws>/.kiln/thumbnails/<id>.png and refuses anything else', async () => {
    const saved: string[] = [];
    const thumbs = new Thumbnails({ workspaceDir: () => ws, idOf: async () => 'abc123', onSaved: (s) => saved.push(s) });
    expect((await thumbs.get('a')).png).toBeNull();
    await thumbs.save('a', png(640, 400));
    expect(saved).toEqual(['a']);
    const file = path.join(ws, '.kiln', 'thumbnails', 'abc123.png');
    expect(pngSize(await fs.readFile(file))).toEqual({ width: 640, height: 400 });
    expect((await thumbs.get('a')).png).toBe(png(640, 400));

    await expect(thumbs.save('a', png(641, 10))).rejects.toThrow(/640 px wide/);
    await expect(thumbs.save('a', png(600, 7000))).rejects.toThrow(/megapixels/);
    await expect(thumbs.save('a', 'data:image/svg+xml;base64,PHN2Zz4=')).rejects.toThrow(/PNG/);
    await expect(thumbs.save('a', `data:image/png;base64,${Buffer.from('<html>').toString('base64')}`)).rejects.toThrow(/PNG/);
    // The stored picture is untouched by the refused ones.
    expect((await thumbs.get('a')).png).toBe(png(640, 400));
  });

  it('never uses an id that could leave the thumbnails folder', async () => {
    const thumbs = new Thumbnails({ workspaceDir: () => ws, idOf: async () => '../../escape' });
    await expect(thumbs.save('a', png(10, 10))).rejects.toThrow(/can't name a file/);
    expect((await thumbs.get('a')).png).toBeNull();
  });
});
