import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import type { ArtifactsChanged } from './store';
import { readJson, tempStore } from './test-helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(...args: Parameters<typeof tempStore>) {
  const t = await tempStore(...args);
  cleanups.push(t.cleanup);
  return t;
}
/** A clock the test moves by hand, so updatedAt ordering doesn't depend on wall time. */
function clock(start = Date.parse('2026-06-01T12:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), tick: (s = 1) => (t += s * 1000) };
}

describe('create', () => {
  it('makes folder, anton-ordered metadata.json and README with a slug and an 8-hex id', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: '  NVDA BTC Dashboard ', description: ' Prices ', type: 'html-app', primary: 'dashboard.html' });
    expect(r.id).toMatch(/^[0-9a-f]{8}$/);
    expect(r.slug).toBe(`nvda-btc-dashboard-${r.id}`);
    expect(r.name).toBe('NVDA BTC Dashboard');
    expect(r.description).toBe('Prices');
    expect(r.createdAt).toBe('2026-06-01T12:00:00+00:00');
    const raw = await fs.readFile(path.join(root, r.slug, 'metadata.json'), 'utf8');
    expect(Object.keys(JSON.parse(raw))).toEqual([
      'schemaVersion', 'id', 'slug', 'createdAt', 'updatedAt', 'name', 'description', 'type', 'primary', 'port', 'datasources', 'files', 'provenance',
    ]);
    expect(raw).toContain('\n  "id"');
    expect(raw.endsWith('}\n')).toBe(true);
    const readme = await fs.readFile(path.join(root, r.slug, 'README.md'), 'utf8');
    expect(readme).toBe('# NVDA BTC Dashboard\n*html-app · 0 files · last updated 2026-06-01T12:00:00+00:00*\n\nPrices\n');
  });

  it('blank name becomes the base slug; emoji and right-to-left names are kept verbatim', async () => {
    const { store } = await setup();
    const blank = await store.create({ name: '   ', type: 'document' });
    expect(blank.name).toBe('untitled-artifact');
    const rtl = await store.create({ name: 'تقرير المبيعات 🚀', type: 'document' });
    expect(rtl.name).toBe('تقرير المبيعات 🚀');
    expect(rtl.slug).toBe(`untitled-artifact-${rtl.id}`);
    const raw = await fs.readFile(path.join(store.root(), rtl.slug, 'metadata.json'), 'utf8');
    expect(raw).toContain('تقرير المبيعات 🚀'); // non-ASCII kept, not \u-escaped
  });

  it('refuses a 10,000-character name with a clear error and creates nothing', async () => {
    const { store, root } = await setup();
    await expect(store.create({ name: 'x'.repeat(10_000), type: 'document' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('refuses a primary outside the folder', async () => {
    const { store, root } = await setup();
    await expect(store.create({ name: 'a', type: 'html-app', primary: '../x.html' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(store.create({ name: 'a', type: 'html-app', primary: '/etc/passwd' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await fs.readdir(root)).toEqual([]);
  });
});

describe('update', () => {
  it('changes only the given keys and bumps updatedAt', async () => {
    const c = clock();
    const { store } = await setup({ now: c.now });
    const r = await store.create({ name: 'App', type: 'fullstack-stateless-app', primary: 'static/index.html' });
    await fs.mkdir(path.join(store.root(), r.slug, 'static'));
    await fs.writeFile(path.join(store.root(), r.slug, 'static', 'index.html'), '<p>hi</p>');
    c.tick(5);
    const a = await store.update(r.slug, { port: 8123 });
    expect(a.port).toBe(8123);
    expect(a.primary).toBe('static/index.html');
    expect(a.updatedAt).toBe('2026-06-01T12:00:05+00:00');
    const b = await store.update(r.slug, { datasources: [{ engine: 'postgres', name: '7e8971c3' }] });
    expect(b.port).toBe(8123);
    expect(b.datasources).toEqual([{ engine: 'postgres', name: '7e8971c3' }]);
    const cleared = await store.update(r.slug, { primary: '  ', port: null, datasources: [] });
    expect(cleared).toMatchObject({ primary: null, port: null, datasources: [] });
    expect(cleared.name).toBe('App');
  });

  it('refuses a primary that leaves the folder and keeps the record as it was', async () => {
    const { store } = await setup();
    const r = await store.create({ name: 'A', type: 'html-app', primary: 'a.html' });
    await expect(store.update(r.slug, { primary: '../../etc/passwd' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await store.open(r.slug)).primary).toBe('a.html');
  });

  it('two concurrent updates of one artifact both land', async () => {
    const { store } = await setup();
    const r = await store.create({ name: 'A', type: 'fullstack-stateful-app' });
    await Promise.all([
      store.update(r.slug, { port: 9001 }),
      store.update(r.slug, { datasources: [{ engine: 'mysql', name: 'abcd1234' }] }),
      store.rename(r.slug, 'Renamed'),
      store.recordTurn(r.slug, { conversation: 'c1', index: 1, prompt: 'make it', filesTouched: [] }),
    ]);
    const after = await store.open(r.slug);
    expect(after.port).toBe(9001);
    expect(after.datasources).toEqual([{ engine: 'mysql', name: 'abcd1234' }]);
    expect(after.name).toBe('Renamed');
    expect(after.provenance).toHaveLength(1);
  });

  it('keeps metadata keys Kiln does not know across a rewrite', async () => {
    const { store } = await setup();
    const r = await store.create({ name: 'A', type: 'document' });
    const file = path.join(store.root(), r.slug, 'metadata.json');
    const json = await readJson(file);
    await fs.writeFile(file, JSON.stringify({ ...json, futureField: { x: [1, 2] }, tags: ['q3'] }, null, 2));
    await store.update(r.slug, { port: 5000 });
    const after = await readJson(file);
    expect(after.futureField).toEqual({ x: [1, 2] });
    expect(after.tags).toEqual(['q3']);
    expect(Object.keys(after).slice(-2)).toEqual(['futureField', 'tags']);
  });
});

describe('rename', () => {
  it('changes the name, keeps slug and folder, re-renders the README', async () => {
    const { store, root } = await setup();
    const r = await store.create({ name: 'Old', type: 'document' });
    const after = await store.rename(r.slug, '  New name ');
    expect(after.slug).toBe(r.slug);
    expect(after.name).toBe('New name');
    expect(await fs.readdir(root)).toEqual([r.slug]);
    expect(await fs.readFile(path.join(root, r.slug, 'README.md'), 'utf8')).toMatch(/^# New name\n/);
  });

  it('refuses blank and over-long names', async () => {
    const { store } = await setup();
    const r = await store.create({ name: 'Old', type: 'document' });
    await expect(store.rename(r.slug, '   ')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.rename(r.slug, 'y'.repeat(10_000))).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await store.open(r.slug)).name).toBe('Old');
  });
});

describe('list', () => {
  it('is newest updatedAt first and reflects renames', async () => {
    const c = clock();
    const { store } = await setup({ now: c.now });
    const a = await store.create({ name: 'A', type: 'document' });
    c.tick();
    const b = await store.create({ name: 'B', type: 'dataset' });
    c.tick();
    expect((await store.list()).map((i) => i.slug)).toEqual([b.slug, a.slug]);
    c.tick();
    await store.rename(a.slug, 'A2');
    const list = await store.list();
    expect(list.map((i) => i.name)).toEqual(['A2', 'B']);
    expect(list[0]).toMatchObject({ slug: a.slug, type: 'document', fileCount: 0 });
    expect(list[0]!.damaged).toBeUndefined();
  });

  it('sees a record rewritten on disk by someone else', async () => {
    const { store, root } = await setup();
    const a = await store.create({ name: 'A', type: 'document' });
    await store.list();
    const file = path.join(root, a.slug, 'metadata.json');
    const json = await readJson(file);
    await fs.writeFile(file, JSON.stringify({ ...json, name: 'Changed by anton, longer' }, null, 2));
    expect((await store.list())[0]!.name).toBe('Changed by anton, longer');
  });
});

describe('files[] and README', () => {
  it('walks recursively, skips the record files and symlinks, keeps nested README.md; reconcile persists only on change', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Full', type: 'fullstack-stateless-app', primary: 'static/index.html' });
    const dir = path.join(root, r.slug);
    await fs.mkdir(path.join(dir, 'static'));
    await fs.writeFile(path.join(dir, 'backend.py'), 'x'.repeat(3000));
    await fs.writeFile(path.join(dir, 'static', 'index.html'), '<html></html>');
    await fs.writeFile(path.join(dir, 'static', 'README.md'), 'nested');
    await fs.writeFile(path.join(dir, '.published.json'), '{}');
    await fs.writeFile(path.join(dir, 'static', '.Published.JSON'), '{}');
    await fs.symlink('/etc/hostname', path.join(dir, 'link.txt'));
    c.tick(10);
    const opened = await store.open(r.slug);
    expect(opened.files.map((f) => f.path)).toEqual(['backend.py', 'static/README.md', 'static/index.html']);
    expect(opened.files[0]!.bytes).toBe(3000);
    expect(opened.updatedAt).toBe('2026-06-01T12:00:00+00:00'); // open is a read: nothing saved

    expect(await store.reconcile(r.slug)).toBe(true);
    expect((await store.read(r.slug)).updatedAt).toBe('2026-06-01T12:00:10+00:00');
    const before = await fs.stat(path.join(dir, 'metadata.json'));
    c.tick(10);
    expect(await store.reconcile(r.slug)).toBe(false);
    const after = await fs.stat(path.join(dir, 'metadata.json'));
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);

    const readme = await fs.readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('*fullstack-stateless-app · 3 files · last updated 2026-06-01T12:00:10+00:00*');
    expect(readme).toContain('## Files\n- `backend.py` (3 KB)\n- `static/README.md` (1 KB)\n- `static/index.html` (1 KB)\n');
    expect(readme.endsWith('\n') && !readme.endsWith('\n\n')).toBe(true);
  });

  it('does not rewrite the record just because backend.log grew', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Running', type: 'fullstack-stateless-app' });
    const log = path.join(root, r.slug, 'backend.log');
    await fs.writeFile(log, 'started\n');
    c.tick(5);
    expect(await store.reconcile(r.slug)).toBe(true);
    const first = await store.read(r.slug);
    expect(first.files.map((f) => f.path)).toEqual(['backend.log']);
    await fs.appendFile(log, 'GET /api/health 200\n'.repeat(100));
    c.tick(5);
    expect(await store.reconcile(r.slug)).toBe(false);
    expect((await store.read(r.slug)).updatedAt).toBe(first.updatedAt);
  });

  it('renders data sources and provenance sections (format §2.4, §3)', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Report', type: 'document' });
    await fs.writeFile(path.join(root, r.slug, 'report.md'), '# hi');
    await store.update(r.slug, { datasources: [{ engine: 'postgres', name: '7e8971c3' }] });
    const long = `${'p'.repeat(300)}`;
    await store.recordTurn(r.slug, { conversation: 'conv-1', title: 'Sales chat', index: 2, prompt: long, filesTouched: ['report.md', 'a.csv', 'report.md'] });
    await store.recordTurn(r.slug, { conversation: 'conv-2', index: 1, prompt: 'short one', filesTouched: [] });
    const rec = await store.open(r.slug);
    const turn = rec.provenance[0]!.turns[0]!;
    expect([...turn.summary]).toHaveLength(240);
    expect(turn.summary.endsWith('…')).toBe(true);
    expect(turn.files_touched).toEqual(['a.csv', 'report.md']);
    const readme = await fs.readFile(path.join(root, r.slug, 'README.md'), 'utf8');
    expect(readme).toContain('## Data sources\n- `postgres-7e8971c3` (postgres) — env prefix `DS_POSTGRES_7E8971C3`\n');
    expect(readme).toContain(`## Provenance\n**Conversation: Sales chat**\n- Turn 2 — ${'p'.repeat(239)}…\n\n**Conversation: conv-2**\n- Turn 1 — short one\n`);
  });

  it('recordTurn replaces a turn with the same index instead of duplicating it', async () => {
    const { store } = await setup();
    const r = await store.create({ name: 'R', type: 'document' });
    await store.recordTurn(r.slug, { conversation: 'c', index: 1, prompt: 'first', filesTouched: [] });
    const rec = await store.recordTurn(r.slug, { conversation: 'c', index: 1, prompt: 'again', filesTouched: ['x'] });
    expect(rec.provenance[0]!.turns).toEqual([expect.objectContaining({ index: 1, summary: 'again', files_touched: ['x'] })]);
  });
});

describe('delete', () => {
  it('moves the folder to <ws>/.kiln/trash when the runtime has no OS trash', async () => {
    const { store, root, ws } = await setup({ trashItem: async () => false });
    const r = await store.create({ name: 'Gone', type: 'document' });
    await fs.writeFile(path.join(root, r.slug, 'keep.txt'), 'precious');
    const res = await store.delete(r.slug);
    expect(res.movedTo).toBe('workspace-trash');
    expect(res.location!.startsWith(path.join(ws, '.kiln', 'trash'))).toBe(true);
    expect(await fs.readFile(path.join(res.location!, 'keep.txt'), 'utf8')).toBe('precious');
    expect(await store.list()).toEqual([]);
  });

  it('uses the OS trash when the runtime has one', async () => {
    const trashed: string[] = [];
    const { store, ws } = await setup({
      trashItem: async (target) => {
        trashed.push(target);
        await fs.rm(target, { recursive: true }); // stands in for the OS moving it away
        return true;
      },
    });
    const r = await store.create({ name: 'Gone', type: 'document' });
    expect(await store.delete(r.slug)).toEqual({ movedTo: 'os-trash', location: null });
    expect(trashed).toEqual([path.join(store.root(), r.slug)]);
    await expect(fs.stat(path.join(ws, '.kiln', 'trash'))).rejects.toThrow();
  });

  it('says NOT_FOUND for an unknown slug', async () => {
    const { store } = await setup();
    await expect(store.delete('nope-12345678')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('moves a link that leads outside (or nowhere) to the trash, and never what it points to', async () => {
    const { store, root, ws } = await setup({ trashItem: async () => false });
    const outside = path.join(ws, 'elsewhere');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'keep.txt'), 'precious');
    await fs.symlink(outside, path.join(root, 'linked-out'));
    await fs.symlink(path.join(ws, 'missing'), path.join(root, 'broken'));
    expect((await store.list()).map((i) => [i.slug, Boolean(i.damaged)])).toEqual(expect.arrayContaining([['linked-out', true], ['broken', true]]));

    expect((await store.delete('linked-out')).movedTo).toBe('workspace-trash');
    expect((await store.delete('broken')).movedTo).toBe('workspace-trash');
    expect(await fs.readFile(path.join(outside, 'keep.txt'), 'utf8')).toBe('precious');
    expect((await store.list()).map((i) => i.slug)).not.toEqual(expect.arrayContaining(['linked-out']));
    expect((await store.list()).map((i) => i.slug)).not.toEqual(expect.arrayContaining(['broken']));
    // Reading through the link stays refused while it exists; only removing it is allowed.
    await fs.symlink(outside, path.join(root, 'again'));
    await expect(store.open('again')).rejects.toMatchObject({ reason: 'outside-workspace' });
  });
});

describe('events', () => {
  it('emits one typed change per write, saying who made it', async () => {
    const { store } = await setup();
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    const r = await store.create({ name: 'E', type: 'document' });
    await store.rename(r.slug, 'F');
    await store.update(r.slug, { port: 5000 }, 'agent');
    await store.delete(r.slug);
    expect(seen.map((e) => e.changes.map((c) => [c.slug, c.kind, c.by]))).toEqual([
      [[r.slug, 'created', 'user']],
      [[r.slug, 'record', 'user']],
      [[r.slug, 'record', 'agent']],
      [[r.slug, 'removed', 'user']],
    ]);
    expect(seen[1]!.changes[0]!.item).toMatchObject({ slug: r.slug, name: 'F' });
    expect(seen[3]!.changes[0]!.item).toBeUndefined();
  });

  it('a listener that throws does not stop the write or the other listeners; dispose unsubscribes', async () => {
    const { store } = await setup();
    const seen: string[] = [];
    store.onChanged(() => {
      throw new Error('broken listener');
    });
    const sub = store.onChanged((e) => seen.push(e.changes[0]!.kind));
    const r = await store.create({ name: 'E', type: 'document' });
    sub.dispose();
    await store.rename(r.slug, 'F');
    expect(seen).toEqual(['created']);
  });

  it('errors are KilnErrors', async () => {
    const { store } = await setup();
    await store.open('missing').catch((e: unknown) => expect(e).toBeInstanceOf(KilnError));
    expect.assertions(1);
  });
});

describe('reads never write', () => {
  it('open and read leave metadata.json and README.md untouched, even when files changed on disk', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Pure', type: 'document', primary: 'doc.md' });
    const dir = path.join(root, r.slug);
    await fs.writeFile(path.join(dir, 'doc.md'), '# new on disk');
    await fs.mkdir(path.join(dir, 'data'));
    await fs.writeFile(path.join(dir, 'data', 'a.csv'), 'x\n1\n');
    const meta = path.join(dir, 'metadata.json');
    const [beforeMeta, beforeReadme, beforeStat] = await Promise.all([fs.readFile(meta), fs.readFile(path.join(dir, 'README.md')), fs.stat(meta)]);
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    c.tick(30);

    const opened = await store.open(r.slug);
    expect(opened.files.map((f) => f.path)).toEqual(['data/a.csv', 'doc.md']); // computed in memory
    expect((await store.read(r.slug)).files).toEqual([]); // as stored
    await store.list();

    const afterStat = await fs.stat(meta);
    expect(afterStat.mtimeMs).toBe(beforeStat.mtimeMs);
    expect(afterStat.ino).toBe(beforeStat.ino);
    expect((await fs.readFile(meta)).equals(beforeMeta)).toBe(true);
    expect((await fs.readFile(path.join(dir, 'README.md'))).equals(beforeReadme)).toBe(true);
    expect(seen).toEqual([]);
  });
});

describe('the files service (the one door)', () => {
  it('writes and removes with one `files` change each, carrying the new list item', async () => {
    const { store, root } = await setup();
    const r = await store.create({ name: 'Door', type: 'html-app' });
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    expect(await store.files.write(r.slug, './static/index.html', '<p>hi</p>', 'agent')).toEqual({ path: 'static/index.html', bytes: 9 });
    expect(await fs.readFile(path.join(root, r.slug, 'static', 'index.html'), 'utf8')).toBe('<p>hi</p>');
    expect(seen).toEqual([
      { changes: [{ slug: r.slug, kind: 'files', by: 'agent', paths: ['static/index.html'], item: expect.objectContaining({ slug: r.slug, fileCount: 1 }) }] },
    ]);
    expect((await store.read(r.slug)).files.map((f) => f.path)).toEqual(['static/index.html']); // files[] saved
    expect(await store.files.remove(r.slug, 'static', 'user')).toBe(true);
    expect(seen[1]).toEqual({ changes: [{ slug: r.slug, kind: 'files', by: 'user', paths: ['static'], item: expect.objectContaining({ fileCount: 0 }) }] });
    expect(await store.files.remove(r.slug, 'static', 'user')).toBe(false);
    expect(seen).toHaveLength(2);
  });

  it('refuses bookkeeping files in any letter case and publish state at any depth, for reads and writes', async () => {
    const { store, root } = await setup();
    const r = await store.create({ name: 'Door', type: 'html-app' });
    const dir = path.join(root, r.slug);
    await fs.mkdir(path.join(dir, 'site'));
    await fs.writeFile(path.join(dir, 'site', '.PUBLISHED.json'), '{"x":{"password":"pw"}}');
    const meta = await fs.readFile(path.join(dir, 'metadata.json'), 'utf8');
    for (const rel of ['Metadata.JSON', 'metadata.json', 'readme.md', 'README.MD', 'Backend.Log', '.published.json', 'site/.PUBLISHED.json', './metadata.json']) {
      await expect(store.files.write(r.slug, rel, '{}', 'agent'), rel).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'reserved-file' });
      await expect(store.files.read(r.slug, rel), rel).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'reserved-file' });
      expect(await store.files.find(r.slug, rel), rel).toBeNull();
    }
    expect(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).toBe(meta);
    expect(await fs.readFile(path.join(dir, 'site', '.PUBLISHED.json'), 'utf8')).toContain('pw');
    // A README.md below the top level is content, as in anton's files[].
    await store.files.write(r.slug, 'docs/README.md', 'nested', 'agent');
    expect((await store.files.read(r.slug, 'docs/README.md')).data.toString()).toBe('nested');
  });
});

describe('the watcher seam', () => {
  it('isOwnChange is true for what Kiln just wrote or removed, false once someone else edits it', async () => {
    const { store, root } = await setup();
    const r = await store.create({ name: 'Seam', type: 'html-app' });
    expect(store.isOwnChange(r.slug, '')).toBe(true); // the folder Kiln made
    expect(store.isOwnChange(r.slug, 'metadata.json')).toBe(true);
    expect(store.isOwnChange(r.slug, 'README.md')).toBe(true);
    await store.files.write(r.slug, 'static/app.js', 'one', 'agent');
    expect(store.isOwnChange(r.slug, 'static/app.js')).toBe(true);
    expect(store.isOwnChange(r.slug, 'static')).toBe(true); // the folder made on the way
    expect(store.isOwnChange(r.slug, 'metadata.json')).toBe(true); // files[] rewritten by Kiln

    const file = path.join(root, r.slug, 'static', 'app.js');
    await fs.writeFile(file, 'edited in an editor');
    expect(store.isOwnChange(r.slug, 'static/app.js')).toBe(false);
    expect(store.isOwnChange(r.slug, 'never-written.txt')).toBe(false);

    await store.files.remove(r.slug, 'static', 'agent');
    expect(store.isOwnChange(r.slug, 'static')).toBe(true);
    expect(store.isOwnChange(r.slug, 'static/app.js')).toBe(true); // gone with the folder Kiln removed
    await fs.mkdir(path.join(root, r.slug, 'static'));
    expect(store.isOwnChange(r.slug, 'static')).toBe(false); // made again, by someone else
    expect(store.isOwnChange('../x', 'a')).toBe(false);
  });

  it('applyOutsideChange reconciles files[] and emits one `by: outside` change', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Outside', type: 'document' });
    await store.list(); // the index knows the artifact
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    await fs.writeFile(path.join(root, r.slug, 'notes.md'), 'from an editor');
    c.tick(3);
    await store.applyOutsideChange(r.slug, ['notes.md']);
    expect(seen).toEqual([
      { changes: [{ slug: r.slug, kind: 'files', by: 'outside', paths: ['notes.md'], item: expect.objectContaining({ fileCount: 1, updatedAt: '2026-06-01T12:00:03+00:00' }) }] },
    ]);
    expect((await store.read(r.slug)).files.map((f) => f.path)).toEqual(['notes.md']);
    expect(store.isOwnChange(r.slug, 'metadata.json')).toBe(true); // the reconcile's own save is no new outside change

    // only the record changed (anton renamed it): a `record` change, with the new name
    const meta = path.join(root, r.slug, 'metadata.json');
    await fs.writeFile(meta, JSON.stringify({ ...(await readJson(meta)), name: 'Renamed by anton' }));
    await store.applyOutsideChange(r.slug, ['metadata.json']);
    expect(seen[1]!.changes).toEqual([expect.objectContaining({ kind: 'record', by: 'outside', item: expect.objectContaining({ name: 'Renamed by anton' }) })]);

    // a folder made by hand, then removed by hand; noise alone (backend.log, publish state) says nothing
    await fs.mkdir(path.join(root, 'hand-made'));
    await store.applyOutsideChange('hand-made', ['']);
    expect(seen[2]!.changes).toEqual([expect.objectContaining({ slug: 'hand-made', kind: 'created', by: 'outside', item: expect.objectContaining({ damaged: expect.anything() }) })]);
    await fs.rm(path.join(root, 'hand-made'), { recursive: true });
    await store.applyOutsideChange('hand-made', ['']);
    expect(seen[3]!.changes).toEqual([{ slug: 'hand-made', kind: 'removed', by: 'outside' }]);
    await store.applyOutsideChange(r.slug, ['backend.log', 'site/.published.json']);
    await store.applyOutsideChange('../escape', ['x']);
    expect(seen).toHaveLength(4);
  });

  it('applyOutsideChange never throws for a damaged record; the change still says what happened', async () => {
    const { store, root } = await setup();
    const r = await store.create({ name: 'Broken', type: 'document' });
    await store.list();
    await fs.writeFile(path.join(root, r.slug, 'metadata.json'), '{not json');
    await fs.writeFile(path.join(root, r.slug, 'a.txt'), 'x');
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    await expect(store.applyOutsideChange(r.slug, ['metadata.json', 'a.txt'])).resolves.toBeUndefined();
    expect(seen[0]!.changes[0]).toMatchObject({ slug: r.slug, kind: 'files', by: 'outside', item: { damaged: { reason: expect.stringMatching(/not valid JSON/) } } });
    expect(await fs.readFile(path.join(root, r.slug, 'metadata.json'), 'utf8')).toBe('{not json'); // never written
  });
});

describe('outside changes at the top level', () => {
  it('says nothing for a stray file beside the artifacts, and lists a folder linked outside as damaged', async () => {
    const { store, root, ws } = await setup();
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    await fs.writeFile(path.join(root, 'notes.txt'), 'not an artifact');
    await store.applyOutsideChange('notes.txt', ['']);
    expect(seen).toEqual([]);
    await fs.symlink(ws, path.join(root, 'linked-out'));
    await store.applyOutsideChange('linked-out', ['']);
    expect(seen).toEqual([
      { changes: [{ slug: 'linked-out', kind: 'created', by: 'outside', item: expect.objectContaining({ damaged: { reason: expect.stringMatching(/outside the artifacts folder/) } }) }] },
    ]);
  });
});

describe('the files service refuses bad input with a sentence and loses nothing', () => {
  it('paths out of the artifact (also through a symlink), a folder as a file, and bad slugs', async () => {
    const { store, root, ws } = await setup();
    const r = await store.create({ name: 'Bad', type: 'html-app' });
    await fs.writeFile(path.join(ws, 'outside.txt'), 'keep me');
    await fs.symlink(ws, path.join(root, r.slug, 'escape'));
    await store.files.write(r.slug, 'static/index.html', 'page', 'user');
    const seen: ArtifactsChanged[] = [];
    store.onChanged((e) => seen.push(e));
    for (const rel of ['../x.txt', '/etc/passwd', 'escape/outside.txt', 'a/../../x', 'C:\\x']) {
      await expect(store.files.write(r.slug, rel, 'overwritten', 'agent'), rel).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'outside-artifact' });
      await expect(store.files.read(r.slug, rel), rel).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(store.files.remove(r.slug, rel, 'agent'), rel).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(store.files.write(r.slug, 'static', 'x', 'agent')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is a folder/) });
    await expect(store.files.read(r.slug, 'static')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/not a regular file/) });
    await expect(store.files.read(r.slug, 'nope.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const slug of ['..', 'a/b', '', 'x\0y']) {
      await expect(store.files.write(slug, 'a.txt', 'x', 'agent'), slug).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await fs.readFile(path.join(ws, 'outside.txt'), 'utf8')).toBe('keep me');
    expect(await fs.readFile(path.join(root, r.slug, 'static', 'index.html'), 'utf8')).toBe('page');
    expect(seen).toEqual([]); // nothing written, nothing announced
  });
});
