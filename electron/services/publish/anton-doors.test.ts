/**
 * anton keeps a publish password in clear in `.published.json` next to the primary
 * (`site/.published.json`). Every door Kiln has to artifact files refuses that file, at any
 * depth and in any letter case: the agent's file tools, the preview server, `artifacts.readText`
 * (ArtifactReaders) and the publish bundle.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactPort } from '../agent/adapters';
import { fileTools } from '../agent/tools/file-tools';
import { ToolRegistry } from '../agent/tools/registry';
import type { ToolContext } from '../agent/tools/types';
import { ArtifactReaders } from '../artifacts/readers';
import { ArtifactStore } from '../artifacts/store';
import { PreviewServer } from '../preview/preview-server';
import { planBundle } from './bundle-plan';
import { buildZip, removeZip } from './zip';

const PASSWORD = 'anton-plain-Pa55';
let ws: string;
let store: ArtifactStore;
let slug: string;
let dir: string;

beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-anton-doors-'));
  store = new ArtifactStore({ workspaceDir: () => ws });
  slug = (await store.create({ name: 'Site', type: 'html-app', primary: 'site/index.html' })).slug;
  dir = path.join(ws, '.anton', 'artifacts', slug);
  await fs.mkdir(path.join(dir, 'site'));
  // The page links its own publish state: a bundle must still leave it out.
  await fs.writeFile(path.join(dir, 'site', 'index.html'), '<a href=".published.json">state</a><a href=".Published.JSON">x</a>');
  const state = JSON.stringify({ 'index.html': { mode: 'password', requires_password: true, access_password: PASSWORD, pwd_version: 1, report_id: 'r1', url: 'u', last_md5: 'm' } }, null, 2);
  await fs.writeFile(path.join(dir, 'site', '.published.json'), state);
});
afterEach(() => fs.rm(ws, { recursive: true, force: true }));

const NAMES = ['site/.published.json', 'site/.PUBLISHED.json', 'Site/.Published.Json', './site/../site/.published.json'];

describe("anton's nested .published.json (plaintext access_password) never leaves main", () => {
  it('is refused by the agent file tools (read, list, write)', async () => {
    const registry = new ToolRegistry(fileTools(artifactPort(store)));
    const ctx: ToolContext = { conversationId: 'c', turnId: 't', signal: new AbortController().signal, touch: () => undefined, showArtifact: () => undefined, proposePublish: () => undefined };
    for (const p of NAMES) {
      const r = await registry.execute('read_file', JSON.stringify({ slug, path: p }), ctx);
      expect(r.success, p).toBe(false);
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
    const list = await registry.execute('list_files', JSON.stringify({ slug }), ctx);
    expect(JSON.stringify(list)).not.toContain('.published.json');
    expect((await registry.execute('write_file', JSON.stringify({ slug, path: 'site/.published.json', content: '{}' }), ctx)).success).toBe(false);
    expect(await fs.readFile(path.join(dir, 'site', '.published.json'), 'utf8')).toContain(PASSWORD);
  });

  it('is refused by artifacts.readText', async () => {
    const readers = new ArtifactReaders(store);
    for (const p of NAMES) await expect(readers.readText(slug, p), p).rejects.toMatchObject({ code: expect.stringMatching(/FORBIDDEN|NOT_FOUND/) });
  });

  it('is never served by the preview', async () => {
    const preview = new PreviewServer({ artifacts: store, stateFile: path.join(ws, '.kiln', 'state', 'preview.json') });
    try {
      const u = new URL(await preview.urlFor(slug));
      for (const p of ['/site/.published.json', '/site/.PUBLISHED.json', '/.published.json', '/site/%2epublished.json']) {
        const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: Number(u.port), path: p, headers: { host: u.host } }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          });
          req.on('error', reject);
          req.end();
        });
        expect(body.status, p).toBe(404);
        expect(body.text).not.toContain(PASSWORD);
      }
    } finally {
      await preview.close();
    }
  });

  it('is left out of the bundle even when the page links it', async () => {
    const record = await store.read(slug);
    const plan = await planBundle(store.files, { ...record, primary: 'site/index.html' });
    expect(plan.entries.map((e) => e.name)).toEqual(['index.html']);
    const zip = await buildZip(plan.entries, { maxBytes: 1024 * 1024 });
    try {
      expect((await fs.readFile(zip.file)).includes(Buffer.from(PASSWORD))).toBe(false);
    } finally {
      await removeZip(zip.file);
    }
  });
});
