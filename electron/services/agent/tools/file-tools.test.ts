import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../events/event-bus';
import { ShutdownRegistry } from '../../lifecycle/shutdown';
import { SettingsStore } from '../../settings/settings-store';
import { createArtifactServices, type ArtifactsChanged } from '../../artifacts/index';
import { ArtifactStore } from '../../artifacts/store';
import { artifactPort } from '../adapters';
import { fileTools, MAX_READ_CHARS, MAX_WRITE_BYTES } from './file-tools';
import { ToolRegistry } from './registry';
import type { ToolContext, ToolResult } from './types';

let ws: string;
let registry: ToolRegistry;
let slug: string;
let touched: string[];

const ctx = (): ToolContext => ({
  conversationId: 'c',
  turnId: 't',
  signal: new AbortController().signal,
  touch: (_s, rel) => touched.push(rel),
  showArtifact: () => undefined,
  proposePublish: () => undefined,
});
const call = (name: string, args: Record<string, unknown>): Promise<ToolResult> => registry.execute(name, JSON.stringify(args), ctx());

beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-tools-'));
  const store = new ArtifactStore({ workspaceDir: () => ws });
  registry = new ToolRegistry(fileTools(artifactPort(store)));
  slug = (await store.create({ name: 'Files', type: 'html-app' })).slug;
  touched = [];
});
afterEach(() => fs.rm(ws, { recursive: true, force: true }));

describe('file tools', () => {
  it('writes (creating folders), lists and reads back, recording the files touched', async () => {
    expect(await call('write_file', { slug, path: 'static/js/app.js', content: 'console.log(1)' })).toMatchObject({ success: true });
    expect(await call('write_file', { slug, path: './index.html', content: '<h1>hi</h1>' })).toMatchObject({ success: true });
    expect(touched).toEqual(['static/js/app.js', 'index.html']);
    const list = await call('list_files', { slug });
    expect(list.details).toEqual(expect.arrayContaining(['index.html (11 B)', 'static/js/app.js (14 B)']));
    expect(await call('read_file', { slug, path: 'index.html' })).toMatchObject({ success: true, content: '<h1>hi</h1>' });
  });

  it('refuses paths outside the artifact folder and files Kiln maintains', async () => {
    for (const p of ['../escape.txt', '/etc/passwd', 'static/../../x']) {
      const r = await call('write_file', { slug, path: p, content: 'x' });
      expect(r.success).toBe(false);
    }
    await expect(fs.access(path.join(ws, '.anton', 'artifacts', 'escape.txt'))).rejects.toThrow();
    expect((await call('read_file', { slug, path: '../../../etc/passwd' })).success).toBe(false);
    const meta = await call('write_file', { slug, path: 'metadata.json', content: '{}' });
    expect(meta).toMatchObject({ success: false, message: expect.stringContaining('maintained by Kiln') });
    expect((await call('write_file', { slug: '../other', path: 'a.txt', content: 'x' })).success).toBe(false);
  });

  it("never reads anton's .published.json (it can hold a publish password in clear)", async () => {
    const dir = path.join(ws, '.anton', 'artifacts', slug);
    await fs.writeFile(path.join(dir, '.published.json'), JSON.stringify({ 'index.html': { report_id: 'r1', password: 'anton-plain-pw' } }));
    const r = await call('read_file', { slug, path: '.published.json' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r)).not.toContain('anton-plain-pw');
  });

  it('enforces the size limit and pages long files', async () => {
    const big = await call('write_file', { slug, path: 'big.txt', content: 'x'.repeat(MAX_WRITE_BYTES + 1) });
    expect(big).toMatchObject({ success: false, message: expect.stringContaining('limit') });
    await call('write_file', { slug, path: 'long.txt', content: 'a'.repeat(MAX_READ_CHARS + 10) });
    const first = await call('read_file', { slug, path: 'long.txt' });
    expect(first.message).toContain(`offset ${MAX_READ_CHARS}`);
    const rest = await call('read_file', { slug, path: 'long.txt', offset: MAX_READ_CHARS });
    expect(rest.content).toBe('a'.repeat(10));
  });

  it('says a missing or binary file plainly', async () => {
    expect(await call('read_file', { slug, path: 'nope.txt' })).toMatchObject({ success: false, message: expect.stringContaining('does not exist') });
    const dir = path.join(ws, '.anton', 'artifacts', slug);
    await fs.writeFile(path.join(dir, 'img.png'), Buffer.from([0x89, 0x50, 0, 0, 1, 2]));
    expect(await call('read_file', { slug, path: 'img.png' })).toMatchObject({ success: false, message: expect.stringContaining('binary') });
  });
});

describe('file tools: bookkeeping files', () => {
  it('refuses the record, README, backend.log and publish state in any letter case, and changes nothing', async () => {
    const dir = path.join(ws, '.anton', 'artifacts', slug);
    await fs.mkdir(path.join(dir, 'site'));
    await fs.writeFile(path.join(dir, 'site', '.published.json'), JSON.stringify({ 'index.html': { password: 'anton-plain-pw' } }));
    const meta = await fs.readFile(path.join(dir, 'metadata.json'), 'utf8');
    for (const p of ['Metadata.JSON', 'readme.md', 'README.MD', 'backend.LOG', '.Published.json', 'site/.PUBLISHED.json', 'site/.published.json']) {
      const w = await call('write_file', { slug, path: p, content: '{}' });
      expect(w.success, `write ${p}`).toBe(false);
      const r = await call('read_file', { slug, path: p });
      expect(r.success, `read ${p}`).toBe(false);
      expect(JSON.stringify(r)).not.toContain('anton-plain-pw');
    }
    expect(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).toBe(meta);
    expect((await fs.readdir(dir)).sort()).toEqual(['README.md', 'metadata.json', 'site']);
    const list = await call('list_files', { slug });
    expect(list.details).toEqual([]);
  });
});

describe('one agent write, one event', () => {
  it('write_file emits exactly one artifacts.changed (files, by agent, the path, the new item), and the watcher adds no echo', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-one-event-'));
    const settings = new SettingsStore(path.join(base, 'user-data'));
    await fs.mkdir(path.join(base, 'user-data'));
    await settings.load();
    const shutdown = new ShutdownRegistry();
    try {
      const events = new EventBus();
      const seen: ArtifactsChanged[] = [];
      events.subscribe((name, payload) => {
        if (name === 'artifacts.changed') seen.push(payload as ArtifactsChanged);
      });
      const { store } = await createArtifactServices({ store: { workspaceDir: () => path.join(base, 'ws') }, events, settings, shutdown });
      const made = await store.create({ name: 'Live', type: 'html-app' });
      await expect.poll(() => store.isWatched(), { timeout: 5000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 1500)); // the create's own notices have come and gone
      seen.length = 0;
      const tools = new ToolRegistry(fileTools(artifactPort(store)));
      const result = await tools.execute('write_file', JSON.stringify({ slug: made.slug, path: 'static/index.html', content: '<h1>hi</h1>' }), ctx());
      expect(result.success).toBe(true);
      expect(seen).toEqual([
        {
          changes: [
            {
              slug: made.slug,
              kind: 'files',
              by: 'agent',
              paths: ['static/index.html'],
              item: expect.objectContaining({ slug: made.slug, name: 'Live', fileCount: 1 }),
            },
          ],
        },
      ]);
      // Long enough for the watcher's quiet period and its longest delay: its notices are Kiln's own.
      await new Promise((r) => setTimeout(r, 1500));
      expect(seen).toHaveLength(1);
      // An outside edit of the same file after it is reported, once, as outside.
      await fs.writeFile(path.join(store.root(), made.slug, 'static', 'index.html'), '<h1>edited</h1>');
      await expect.poll(() => seen.length, { timeout: 3000 }).toBe(2);
      expect(seen[1]!.changes).toEqual([expect.objectContaining({ slug: made.slug, kind: 'files', by: 'outside', paths: ['static/index.html'] })]);
    } finally {
      await shutdown.runAll();
      await fs.rm(base, { recursive: true, force: true });
    }
  }, 20_000);
});
