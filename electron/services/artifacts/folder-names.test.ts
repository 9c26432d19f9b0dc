/**
 * Every folder name the shared slug rule accepts (`My Report`, `café-1a2b3c4d`, `a.b`, a
 * 255-byte name) works through the store, its readers, the preview route and the backends'
 * folder lookup; bookkeeping files are refused by the readers and the preview in any letter case.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SLUG_BYTES } from '../../../shared/artifacts/rules';
import { createTestSupervisor } from '../backends/testing';
import { PreviewServer } from '../preview/preview-server';
import { ArtifactReaders } from './readers';
import { tempStore } from './test-helpers';

const LONG = `${'é'.repeat(126)}abc`;
const NAMES = ['My Report', 'café-1a2b3c4d', 'a.b', LONG];
const STAMP = '2026-01-01T00:00:00+00:00';

let t: Awaited<ReturnType<typeof tempStore>>;
let preview: PreviewServer;

function get(url: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: u.port, path: u.pathname, headers: { host: u.host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  t = await tempStore();
  preview = new PreviewServer({ artifacts: t.store });
  for (const [i, name] of NAMES.entries()) {
    // Made by hand (or by anton), not through Kiln.
    const dir = path.join(t.root, name);
    await fs.mkdir(path.join(dir, 'site'), { recursive: true });
    const record = { schemaVersion: 1, id: `0000000${i}`, slug: name, name, createdAt: STAMP, updatedAt: STAMP, type: 'html-app', primary: 'index.html' };
    await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(record));
    await fs.writeFile(path.join(dir, 'index.html'), `<h1>${name}</h1>`);
    await fs.writeFile(path.join(dir, 'site', '.published.json'), '{"index.html":{"password":"anton-plain-pw"}}');
  }
});

afterAll(async () => {
  await preview.close();
  await t.cleanup();
});

describe('folder names the shared rule accepts', () => {
  it('includes a name of exactly 255 bytes', () => {
    expect(Buffer.byteLength(LONG)).toBe(MAX_SLUG_BYTES);
  });

  it.each(NAMES)('%s: list, open, readText, preview and the backends folder lookup', async (slug) => {
    expect((await t.store.list()).find((i) => i.slug === slug)).toMatchObject({ slug, name: slug, fileCount: 0 });
    expect((await t.store.open(slug)).files.map((f) => f.path)).toEqual(['index.html']);
    const readers = new ArtifactReaders(t.store);
    expect(await readers.readText(slug)).toEqual({ path: 'index.html', text: `<h1>${slug}</h1>` });

    const url = await preview.urlFor(slug);
    expect(await get(url)).toEqual({ status: 200, body: `<h1>${slug}</h1>` });

    const { supervisor } = createTestSupervisor(t.ws);
    try {
      expect(await supervisor.logs(slug, { tail: 10 })).toEqual([]); // the folder is found; no log yet
      await expect(supervisor.launch(slug)).rejects.toThrow(/only fullstack apps have a backend/);
    } finally {
      await supervisor.stopAll();
    }
  });
});

describe('bookkeeping files, in any letter case', () => {
  it.each(['Metadata.JSON', 'metadata.json', 'readme.md', 'README.MD', 'Backend.log', '.PUBLISHED.json', 'site/.PUBLISHED.json', 'site/.published.json'])(
    '%s is refused by readText and not served by the preview',
    async (file) => {
      const slug = 'My Report';
      const readers = new ArtifactReaders(t.store);
      await expect(readers.readText(slug, file)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const res = await get(new URL(file, await preview.urlFor(slug)).toString());
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('anton-plain-pw');
    },
  );
});

describe('a folder whose name the slug rule refuses', () => {
  it('is listed as damaged with the reason, never as a healthy artifact that every endpoint refuses', async () => {
    const odd = path.join(t.root, 'a\\b');
    await fs.mkdir(odd);
    await fs.writeFile(path.join(odd, 'metadata.json'), JSON.stringify({ id: 'deadbeef', slug: 'a\\b', name: 'x', type: 'html-app', createdAt: STAMP, updatedAt: STAMP }));
    try {
      const item = (await t.store.list()).find((i) => i.slug === 'a\\b');
      expect(item?.damaged?.reason).toMatch(/without \/, \\ or NUL.*Rename the folder/);
    } finally {
      await fs.rm(odd, { recursive: true, force: true });
    }
  });
});
