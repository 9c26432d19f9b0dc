import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type HandlerMap } from './router';
import { ConversationStore } from '../services/agent/conversation-store';
import { ArtifactStore } from '../services/artifacts/store';
import { diskError } from '../services/fs/disk-errors';
import { PythonService } from '../services/python/python-service';
import { mountTmpfs, tmpfsUnavailable, type SmallDisk } from '../services/fs/testing-tmpfs';

/** A router serving only the endpoints a test names (the others fail loudly). */
function routerFor(handlers: Partial<HandlerMap>, internal: unknown[]) {
  const map = new Proxy(handlers as HandlerMap, {
    get: (t, k) => (k in t ? t[k as keyof HandlerMap] : () => { throw new Error('unexpected call'); }),
  });
  return createRouter(map, { onInternalError: (_c, e) => internal.push(e) });
}
const ctx = { transport: 'test' as const };

describe('errno → typed error', () => {
  it('maps each disk errno to IO with a reason and a sentence saying what to do', () => {
    const cases: [string, string, RegExp][] = [
      ['ENOSPC', 'disk-full', /disk is full.*Free some space/],
      ['EROFS', 'disk-read-only', /read-only.*writable/],
      ['EACCES', 'permission-denied', /Permission denied.*write access/],
      ['ELOOP', 'link-loop', /loop.*Remove or fix the link/],
      ['EMFILE', 'too-many-open-files', /Too many files are open.*Close/],
    ];
    for (const [code, reason, say] of cases) {
      const e = diskError(Object.assign(new Error(`${code}: x`), { code }), 'rename the artifact');
      expect(e, code).toMatchObject({ code: 'IO', reason });
      expect(e?.message, code).toMatch(say);
      expect(e?.message, code).toContain('rename the artifact');
    }
    expect(diskError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeNull();
    expect(diskError(new Error('plain'))).toBeNull();
  });

  it('a real symlink loop reaching the router answers link-loop, not INTERNAL ELOOP; the router keeps serving', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-eloop-'));
    try {
      await fs.symlink(path.join(dir, 'b'), path.join(dir, 'a'));
      await fs.symlink(path.join(dir, 'a'), path.join(dir, 'b'));
      const internal: unknown[] = [];
      const router = routerFor({ 'app.notices': async () => { await fs.readFile(path.join(dir, 'a')); return []; } }, internal);
      const r = await router.call('app.notices', undefined, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'IO', reason: 'link-loop' } });
      expect(internal).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

const skip = tmpfsUnavailable();
describe.skipIf(skip !== null)('a full and a read-only workspace (2 MB tmpfs)', () => {
  let disk: SmallDisk;
  beforeAll(async () => {
    disk = await mountTmpfs(2048);
  });
  afterAll(async () => {
    await disk?.unmount();
  });

  it('create on a full disk and rename on a read-only one answer typed errors through the router; nothing half-made is left', async () => {
    const store = new ArtifactStore({ workspaceDir: () => disk.dir });
    const made = await store.create({ name: 'Keep me', type: 'html-app', description: '' });
    const internal: unknown[] = [];
    const router = routerFor({ 'artifacts.rename': ({ slug, name }) => store.rename(slug, name) }, internal);

    await disk.fill(0);
    await expect(store.create({ name: 'No room', type: 'html-app', description: '' })).rejects.toMatchObject({ code: 'IO', reason: 'disk-full' });
    const full = await router.call('artifacts.rename', { slug: made.slug, name: 'Renamed' }, ctx);
    expect(full).toMatchObject({ ok: false, error: { code: 'IO', reason: 'disk-full' } });
    await disk.free();
    // Neither a half-made folder nor a temp file stayed behind on the full disk.
    const root = store.root();
    expect((await fs.readdir(root)).sort()).toEqual([made.slug]);
    expect((await fs.readdir(path.join(root, made.slug))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const chats = new ConversationStore(() => disk.dir);
    const chat = await chats.create('Before');
    disk.remountReadOnly();
    try {
      const ro = await router.call('artifacts.rename', { slug: made.slug, name: 'Renamed' }, ctx);
      expect(ro).toMatchObject({ ok: false, error: { code: 'IO', reason: 'disk-read-only' } });
      expect((ro as { error: { message: string } }).error.message).toMatch(/read-only.*writable/);
      await expect(chats.append(chat, { type: 'turn_started', turnId: 't', prompt: 'hi' })).rejects.toMatchObject({ code: 'IO', reason: 'disk-read-only' });
      expect((await chats.read(chat)).map((e) => e.event.type)).toEqual(['conversation_created']);
      // Reads still work on a read-only disk.
      expect((await store.list()).map((i) => i.name)).toEqual(['Keep me']);
      expect(internal).toEqual([]);
    } finally {
      disk.remountWritable();
    }
  });

  it('on a read-only workspace, delete and a launch\'s venv say the disk is read-only (not ENOENT, not a missing python3-venv)', async () => {
    const store = new ArtifactStore({ workspaceDir: () => disk.dir });
    const made = await store.create({ name: 'Stuck', type: 'fullstack-stateless-app', description: '' });
    const python = new PythonService({
      settings: () => ({ interpreter: '/usr/bin/python3', systemSitePackages: true, pipArgs: [], installTimeoutSec: 60 }),
      workspaceDir: () => disk.dir,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() },
    });
    disk.remountReadOnly();
    try {
      await expect(store.delete(made.slug)).rejects.toMatchObject({ code: 'IO', reason: 'disk-read-only', message: expect.stringMatching(/move ".*" to the trash/) });
      await expect(python.ensureVenv(made.slug)).rejects.toMatchObject({ code: 'IO', reason: 'disk-read-only', message: expect.stringMatching(/create the Python environment/) });
    } finally {
      disk.remountWritable();
    }
    expect((await store.list()).map((i) => i.name)).toContain('Stuck');
  });
});
if (skip) describe('a full and a read-only workspace', () => it.skip(`skipped: ${skip}`, () => undefined));
