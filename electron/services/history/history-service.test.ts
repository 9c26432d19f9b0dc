/**
 * Checkpoints with the real store, the real filesystem and isomorphic-git, read back with the
 * system git the way a user would inspect them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryService } from './history-service';
import { historyFixture, listTree, sysGit } from './test-helpers';
import { historyStorePort } from './wiring';

let f: Awaited<ReturnType<typeof historyFixture>>;

beforeEach(async () => {
  f = await historyFixture();
});
afterEach(async () => {
  await f.cleanup();
});

async function app(name = 'Sales app') {
  const r = await f.store.create({ name, type: 'fullstack-stateless-app', primary: 'static/index.html' });
  await f.store.files.write(r.slug, 'static/index.html', '<h1>one</h1>\n', 'agent');
  await f.store.files.write(r.slug, 'backend.py', 'print(1)\n', 'agent');
  return r;
}

describe('checkpoints', () => {
  it('keeps a git repository outside the artifact folder that the system git can read', async () => {
    const r = await app();
    const dir = await f.store.dir(r.slug);
    const before = await listTree(dir);
    const c = await f.history.checkpoint(r.slug, { by: 'agent', conversationId: 'c-1', turnId: 't-1' });
    expect(c).not.toBeNull();
    expect(await listTree(dir)).toEqual(before); // anton's view of the folder is unchanged
    const gitdir = f.gitdir(r.id);
    expect((await fs.stat(gitdir)).isDirectory()).toBe(true);
    expect(sysGit(gitdir, dir, 'log', '--format=%s', 'main').trim()).toBe('Agent turn: backend.py and static/index.html');
    expect(sysGit(gitdir, dir, 'show', 'main:static/index.html')).toBe('<h1>one</h1>\n');
    // Bookkeeping never enters the history.
    expect(sysGit(gitdir, dir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n')).toEqual(['backend.py', 'static/index.html']);
    sysGit(gitdir, dir, 'fsck', '--strict');
  });

  it('records who, when, the turn, the changed paths and the requirements hash', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'user' });
    await f.store.files.write(r.slug, 'requirements.txt', 'fastapi\n', 'agent');
    await f.store.files.write(r.slug, 'static/index.html', '<h1>two</h1>\n', 'agent');
    const c = await f.history.checkpoint(r.slug, { by: 'agent', conversationId: 'c-1', turnId: 't-2' });
    expect(c).toMatchObject({
      by: 'agent',
      conversationId: 'c-1',
      turnId: 't-2',
      paths: [
        { path: 'requirements.txt', change: 'added' },
        { path: 'static/index.html', change: 'modified' },
      ],
      pathCount: 2,
    });
    expect(c?.requirementsHash).toMatch(/^[0-9a-f]{40}$/);
    const list = await f.history.list(r.slug);
    expect(list.status).toBe('ok');
    expect(list.checkpoints.map((x) => x.by)).toEqual(['agent', 'user']); // newest first
  });

  it('takes no checkpoint when nothing but bookkeeping, logs and tooling changed', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'agent' });
    const dir = await f.store.dir(r.slug);
    await fs.writeFile(path.join(dir, 'backend.log'), 'started\n');
    await fs.writeFile(path.join(dir, '.published.json'), '{"index.html":{"report_id":"r1","password":"hunter2"}}');
    await fs.mkdir(path.join(dir, '.venv', 'lib'), { recursive: true });
    await fs.writeFile(path.join(dir, '.venv', 'lib', 'x.py'), 'x');
    await fs.mkdir(path.join(dir, '__pycache__'));
    await fs.writeFile(path.join(dir, '__pycache__', 'b.pyc'), 'x');
    expect(await f.history.checkpoint(r.slug, { by: 'outside' })).toBeNull();
    expect((await f.history.list(r.slug)).checkpoints).toHaveLength(1);
    // The publish password never reached the repository.
    const objects = sysGit(f.gitdir(r.id), dir, 'rev-list', '--objects', '--all');
    expect(objects).not.toContain('.published.json');
  });

  it('a record-only change (a rename) is a checkpoint too', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'agent' });
    await f.store.rename(r.slug, 'Renamed');
    const c = await f.history.checkpoint(r.slug, { by: 'user' });
    expect(c).toMatchObject({ recordChanged: true, pathCount: 0, summary: 'Changed in Kiln: the name, description or settings' });
  });
});

describe('after a restart', () => {
  it('a fresh service lists the same history: the saved log plus checkpoints made since', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'agent', turnId: 't-1' });
    await f.store.files.write(r.slug, 'a.txt', 'a', 'agent');
    await f.history.checkpoint(r.slug, { by: 'agent', turnId: 't-2' });
    const before = (await f.history.list(r.slug)).checkpoints.map((c) => c.id);
    const later = new HistoryService({ store: historyStorePort(f.store), backends: { status: () => ({ state: 'stopped' }), restart: async () => undefined } });
    expect((await later.list(r.slug)).checkpoints.map((c) => c.id)).toEqual(before);
    await f.store.files.write(r.slug, 'b.txt', 'b', 'agent');
    const third = (await later.checkpoint(r.slug, { by: 'agent', turnId: 't-3' }))!;
    // The first service sees the commit another one made (the branch moved under it).
    expect((await f.history.list(r.slug)).checkpoints.map((c) => c.id)).toEqual([third.id, ...before]);
  });
});

describe('restore', () => {
  it('brings back files and the record (never publish state), as one change, and can itself be undone', async () => {
    const r = await app();
    const dir = await f.store.dir(r.slug);
    const first = (await f.history.checkpoint(r.slug, { by: 'agent' }))!;
    await f.store.files.write(r.slug, 'static/index.html', '<h1>broken</h1>\n', 'agent');
    await f.store.files.write(r.slug, 'static/extra.js', 'x()\n', 'agent');
    await f.store.rename(r.slug, 'Other name', 'agent');
    await f.store.update(r.slug, { datasources: [{ engine: 'postgres', name: 'main' }], description: 'changed' }, 'agent');
    await fs.writeFile(path.join(dir, '.published.json'), '{"index.html":{"report_id":"r1"}}');
    f.events.length = 0;

    const restored = await f.history.restore(r.slug, first.id, { by: 'user' });

    expect(await fs.readFile(path.join(dir, 'static/index.html'), 'utf8')).toBe('<h1>one</h1>\n');
    expect(await fs.stat(path.join(dir, 'static/extra.js')).catch(() => null)).toBeNull();
    const record = await f.store.read(r.slug);
    expect(record).toMatchObject({ name: 'Sales app', description: '', datasources: [] });
    expect(await fs.readFile(path.join(dir, '.published.json'), 'utf8')).toBe('{"index.html":{"report_id":"r1"}}');
    // One files change for all restored files, by the user; then the record's own changes.
    const kinds = f.events.flatMap((e) => e.changes.map((c) => `${c.kind}:${c.by}`));
    expect(kinds.filter((k) => k.startsWith('files'))).toEqual(['files:user']);
    expect(kinds.every((k) => k.endsWith(':user'))).toBe(true);

    const list = (await f.history.list(r.slug)).checkpoints;
    expect(list.map((c) => c.by)).toEqual(['restore', 'user', 'agent']); // restore, "before restore", original
    expect(restored.restoredFrom).toBe(first.id);
    const before = list[1]!;
    expect(before.summary).toMatch(/^Before restoring/);

    // Undo the restore: the broken state is back.
    await f.history.restore(r.slug, before.id, { by: 'user' });
    expect(await fs.readFile(path.join(dir, 'static/index.html'), 'utf8')).toBe('<h1>broken</h1>\n');
    expect((await f.store.read(r.slug)).name).toBe('Other name');
  });

  it('restarts a running backend after a restore, and leaves a stopped one alone', async () => {
    const r = await app();
    const first = (await f.history.checkpoint(r.slug, { by: 'agent' }))!;
    await f.store.files.write(r.slug, 'backend.py', 'print(2)\n', 'agent');
    await f.history.restore(r.slug, first.id, { by: 'user' });
    expect(f.restarted).toEqual([]);
    f.running.add(r.slug);
    await f.history.restore(r.slug, first.id, { by: 'user' });
    expect(f.restarted).toEqual([r.slug]);
  });

  it('refuses an unknown or ambiguous id, and a restore while the artifact is being published', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'agent' });
    await expect(f.history.restore(r.slug, 'deadbeef', { by: 'user' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const g = await historyFixture({ deps: { isPublishing: () => true } });
    try {
      const r2 = await g.store.create({ name: 'x', type: 'html-app' });
      await g.store.files.write(r2.slug, 'index.html', 'x', 'agent');
      const c = (await g.history.checkpoint(r2.slug, { by: 'agent' }))!;
      await expect(g.history.restore(r2.slug, c.id, { by: 'user' })).rejects.toThrow(/being published/);
    } finally {
      await g.cleanup();
    }
  });
});

describe('publish', () => {
  it('records the published version on the checkpoint it was published from, reading the publish state', async () => {
    const g = await historyFixture({ deps: { publishedNow: async () => ({ reportId: 'r-42', md5: 'abc123' }) } });
    try {
      const r = await g.store.create({ name: 'Pub', type: 'html-app', primary: 'index.html' });
      await g.store.files.write(r.slug, 'index.html', '<p>v1</p>', 'agent');
      await g.history.checkpoint(r.slug, { by: 'agent' });
      await g.store.files.write(r.slug, 'index.html', '<p>v2</p>', 'agent');
      await g.history.markPublished(r.slug); // what was published is checkpointed first
      const [newest, older] = (await g.history.list(r.slug)).checkpoints;
      expect(newest).toMatchObject({ summary: 'Published', published: { reportId: 'r-42', md5: 'abc123' } });
      expect(older!.published).toBeUndefined();
    } finally {
      await g.cleanup();
    }
  });
});

describe('diff', () => {
  it('shows text hunks per file and binaries only as changed', async () => {
    const r = await app();
    await f.history.checkpoint(r.slug, { by: 'agent' });
    await f.store.files.write(r.slug, 'static/index.html', '<h1>two</h1>\n', 'agent');
    await f.store.files.write(r.slug, 'static/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), 'agent');
    const c = (await f.history.checkpoint(r.slug, { by: 'agent' }))!;
    const { files } = await f.history.diff(r.slug, c.id.slice(0, 8));
    expect(files.map((x) => [x.path, x.change, x.binary])).toEqual([
      ['static/index.html', 'modified', false],
      ['static/logo.png', 'added', true],
    ]);
    expect(files[0]!.hunks[0]!.lines).toEqual(['-<h1>one</h1>', '+<h1>two</h1>']);
  });
});
