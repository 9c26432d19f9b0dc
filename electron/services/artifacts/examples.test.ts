import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addExamples } from './examples';
import { tempStore } from './test-helpers';

const resources = path.resolve('resources');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, deadlineMs: number): Promise<Response> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('bundled examples', () => {
  it('become real artifacts with new ids each time, files reconciled', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const first = await addExamples(t.store, resources);
    const second = await addExamples(t.store, resources);
    expect(first).toHaveLength(2);
    expect(new Set([...first, ...second]).size).toBe(4);
    const dash = await t.store.read(first[0]!); // as stored: files[] were saved, not just computed
    expect(dash).toMatchObject({ type: 'html-app', primary: 'dashboard.html' });
    expect(dash.files.map((f) => f.path)).toEqual(['dashboard.html']);
    const html = await fs.readFile(path.join(t.root, dash.slug, 'dashboard.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/); // self-contained, no CDN
    const app = await t.store.read(first[1]!);
    expect(app).toMatchObject({ type: 'fullstack-stateless-app', primary: 'static/index.html' });
    expect(app.files.map((f) => f.path)).toEqual(['backend.py', 'requirements.txt', 'static/app.js', 'static/index.html', 'static/style.css']);
    await expect(fs.stat(path.join(t.root, app.slug, 'kiln-example.json'))).rejects.toThrow();
  });

  it('an example\'s files are in its folder the moment its card can appear (opened at once, it finds backend.py)', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const seen: { slug: string; files: string[] }[] = [];
    const sub = t.store.onChanged(({ changes }) => {
      for (const c of changes) {
        if (c.kind !== 'created') continue;
        // Synchronously, as the gallery learns of it: what is on disk right now.
        const dir = path.join(t.root, c.slug);
        seen.push({ slug: c.slug, files: ['backend.py', 'static/index.html', 'dashboard.html'].filter((f) => existsSync(path.join(dir, f))) });
      }
    });
    cleanups.push(() => sub.dispose());
    const [dash, app] = await addExamples(t.store, resources);
    expect(seen).toEqual([
      { slug: dash, files: ['dashboard.html'] },
      { slug: app, files: ['backend.py', 'static/index.html'] },
    ]);
  });

  it('the fullstack example follows the backend contract and runs with Debian python3', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const [, slug] = await addExamples(t.store, resources);
    const dir = await t.store.dir(slug!);
    const backend = await fs.readFile(path.join(dir, 'backend.py'), 'utf8');
    expect(backend).toMatch(/^SECRETS = /m);
    expect(backend).toMatch(/handler = Mangum\(app, lifespan="off"\)/);
    expect(backend.indexOf('@app.get("/api/health")')).toBeLessThan(backend.indexOf('app.mount("/"'));
    const reqs = (await fs.readFile(path.join(dir, 'requirements.txt'), 'utf8')).split('\n').filter(Boolean);
    expect(reqs).toEqual(expect.arrayContaining(['fastapi', 'mangum', 'uvicorn']));
    const index = await fs.readFile(path.join(dir, 'static', 'index.html'), 'utf8');
    expect(index).toContain('<meta name="api-base" content="">');

    const port = await freePort();
    const child = spawn('/usr/bin/python3', ['backend.py', '--port', String(port)], { cwd: dir, stdio: 'ignore' });
    cleanups.push(() => {
      child.kill('SIGTERM');
    });
    const health = await waitForHttp(`http://127.0.0.1:${port}/api/health`, 15_000);
    expect(await health.json()).toEqual({ status: 'ok' });
    const products = (await (await fetch(`http://127.0.0.1:${port}/api/products?category=Audio`)).json()) as { items: { sku: string }[] };
    expect(products.items.map((p) => p.sku)).toEqual(['HS-500', 'SP-040']);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('<title>Inventory</title>');
    const missing = await fetch(`http://127.0.0.1:${port}/api/products/NOPE`);
    expect(missing.status).toBe(404);
  });

  it('says where the examples should be when they are missing', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await expect(addExamples(t.store, path.join(t.ws, 'nothing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
