/**
 * One slug rule, one bookkeeping rule, everywhere: every folder name anton or a user can make
 * (`My Report`, `café-1a2b3c4d`, `a.b`, a 255-byte name) works through every endpoint and agent
 * tool that takes a slug, every refused form is refused by all of them with the same sentence,
 * and `Metadata.JSON` (the record, in another letter case) is refused as a file everywhere.
 * Real services: real store in a temp workspace, real preview proxy over HTTP, real Python.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { slugProblem, slugSchema } from '../../shared/artifacts/rules';
import { endpoints, type Channel } from '../../shared/contract/index';
import { createServices, type Services } from '../core/services';
import { nodePlatform } from '../webhost/node-platform';
import { createHandlers } from './handlers/index';
import { createRouter, type Router } from './router';
import type { ToolContext } from '../services/agent/tools/types';

const FIXTURE = path.resolve('e2e/fixtures/backends/stdlib-app');
const LONG = `${'é'.repeat(126)}abc`; // 255 bytes of UTF-8, 129 characters
const ACCEPTED = ['My Report', 'café-1a2b3c4d', 'a.b', LONG];
/** A fullstack app in a folder whose name is not a DNS label, launched for real. */
const APP = 'Café app 5d11b000';
const REFUSED = ['', '.', '..', 'a/b', 'a\\b', 'a\0b', '../x', `${LONG}d`];

let dir: string;
let services: Services;
let router: Router;

const call = (channel: string, input?: unknown) => router.call(channel, input, { transport: 'test' });

function ctx(): ToolContext {
  return {
    conversationId: 'c1',
    turnId: 't1',
    signal: new AbortController().signal,
    touch: () => undefined,
    showArtifact: () => undefined,
    proposePublish: () => undefined,
  };
}
const tool = (name: string, args: Record<string, unknown>) => services.agent.tools.execute(name, JSON.stringify(args), ctx());

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    // Chromium resolves *.localhost itself; Node needs the Host header set by hand.
    const req = http.request({ host: '127.0.0.1', port: u.port, path: u.pathname, headers: { Host: u.host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every endpoint whose input takes an artifact slug: the one schema, by identity. */
function slugEndpoints(): Channel[] {
  return (Object.keys(endpoints) as Channel[]).filter((c) => {
    const input = endpoints[c].input as unknown;
    return input instanceof z.ZodObject && (input.shape as Record<string, unknown>).slug === slugSchema;
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-slug-matrix-'));
  const ws = path.join(dir, 'ws');
  services = await createServices({ userData: path.join(dir, 'user-data'), workspaceOverride: ws, platform: nodePlatform(), env: {} });
  await services.settings.update({ python: { interpreter: '/usr/bin/python3', systemSitePackages: true, pipArgs: ['--no-index', '--no-deps'] } });
  router = createRouter(createHandlers(services));
  const root = path.join(ws, '.anton', 'artifacts');
  for (const [i, name] of [...ACCEPTED, APP].entries()) {
    // Made the way anton or a user makes them: a folder on disk, not through Kiln. All but
    // APP are static pages (the preview serves their files); APP keeps its backend.
    const folder = path.join(root, name);
    await fs.cp(FIXTURE, folder, { recursive: true });
    const meta = JSON.parse(await fs.readFile(path.join(folder, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    const type = name === APP ? meta.type : 'html-app';
    await fs.writeFile(path.join(folder, 'metadata.json'), JSON.stringify({ ...meta, type, id: `0000000${i}`, slug: name, name }, null, 2));
  }
}, 60_000);

afterAll(async () => {
  await services.backends.stopAll?.();
  await services.shutdown.runAll();
  await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('every accepted folder name works everywhere', () => {
  it.each(ACCEPTED)('%s: list, open, read, preview, status, publish status, agent tools', async (slug) => {
    const list = await call('artifacts.list');
    expect(list.ok && (list.data as { slug: string }[]).some((i) => i.slug === slug)).toBe(true);
    for (const [channel, input] of [
      ['artifacts.open', { slug }],
      ['artifacts.readText', { slug, path: 'static/index.html' }],
      ['preview.open', { slug }],
      ['backends.status', { slug }],
      ['backends.logs', { slug }],
      ['publish.status', { slug }],
    ] as const) {
      const r = await call(channel, input);
      expect(r, `${channel} ${slug}`).toMatchObject({ ok: true });
    }
    const preview = await call('preview.open', { slug });
    if (!preview.ok) throw new Error('preview.open failed');
    const page = await get(new URL('static/index.html', (preview.data as { url: string }).url).toString());
    expect(page.status).toBe(200);

    for (const [name, args] of [
      ['open_artifact', { slug }],
      ['list_files', { slug }],
      ['read_file', { slug, path: 'static/index.html' }],
      ['write_file', { slug, path: 'notes/hello.txt', content: 'hi' }],
      ['backend_status', { slug }],
    ] as const) {
      expect(await tool(name, args), `${name} ${slug}`).toMatchObject({ success: true });
    }
  });

  it('launches a real backend in a folder whose name is not a DNS label', async () => {
    const slug = APP;
    const launched = await call('backends.launch', { slug });
    expect(launched).toMatchObject({ ok: true, data: { state: 'running' } });
    const stopped = await call('backends.stop', { slug });
    expect(stopped).toMatchObject({ ok: true, data: { state: 'stopped' } });
  }, 60_000);
});

describe('every refused form is refused everywhere, with the same sentence', () => {
  const channels = slugEndpoints();

  it('covers the endpoints that take a slug', () => {
    expect(channels).toEqual(expect.arrayContaining(['artifacts.open', 'preview.open', 'backends.launch', 'publish.status', 'artifacts.readText']));
  });

  it.each(REFUSED.map((s) => [JSON.stringify(s), s]))('%s', async (_label, slug) => {
    const problem = slugProblem(slug)!;
    expect(problem).toBeTruthy();
    for (const channel of channels) {
      const r = await call(channel, { slug });
      expect(r.ok, channel).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, channel).toBe('VALIDATION');
      expect(r.error.message, channel).toContain(`slug: ${problem}`);
    }
    for (const name of ['open_artifact', 'list_files', 'read_file', 'write_file', 'backend_status', 'launch_backend', 'run_python']) {
      const r = await tool(name, { slug, path: 'a.txt', content: 'x', code: 'print(1)' });
      expect(r.success, name).toBe(false);
      expect(r.message, name).toContain(problem);
    }
  });
});

describe('bookkeeping files are refused in any letter case', () => {
  it.each(['Metadata.JSON', 'metadata.json', 'README.MD', '.Published.json', 'site/.PUBLISHED.JSON', 'BACKEND.LOG'])('%s', async (file) => {
    const slug = 'My Report';
    const read = await call('artifacts.readText', { slug, path: file });
    expect(read.ok, 'readText').toBe(false);
    expect((await tool('read_file', { slug, path: file })).success, 'read_file').toBe(false);
    const before = await fs.readFile(path.join(services.artifacts.root(), slug, 'metadata.json'), 'utf8');
    expect((await tool('write_file', { slug, path: file, content: '{}' })).success, 'write_file').toBe(false);
    expect(await fs.readFile(path.join(services.artifacts.root(), slug, 'metadata.json'), 'utf8')).toBe(before);
    const preview = await call('preview.open', { slug });
    if (!preview.ok) throw new Error('preview.open failed');
    expect((await get(new URL(file, (preview.data as { url: string }).url).toString())).status, 'preview').toBe(404);
  });
});
