import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
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
  it('walks recursively, skips the record files and symlinks, keeps nested README.md, persists only on change', async () => {
    const c = clock();
    const { store, root } = await setup({ now: c.now });
    const r = await store.create({ name: 'Full', type: 'fullstack-stateless-app', primary: 'static/index.html' });
    const dir = path.join(root, r.slug);
    await fs.mkdir(path.join(dir, 'static'));
    await fs.writeFile(path.join(dir, 'backend.py'), 'x'.repeat(3000));
    await fs.writeFile(path.join(dir, 'static', 'index.html'), '<html></html>');
    await fs.writeFile(path.join(dir, 'static', 'README.md'), 'nested');
    await fs.writeFile(path.join(dir, '.published.json'), '{}');
    await fs.symlink('/etc/hostname', path.join(dir, 'link.txt'));
    c.tick(10);
    const opened = await store.open(r.slug);
    expect(opened.files.map((f) => f.path)).toEqual(['backend.py', 'static/README.md', 'static/index.html']);
    expect(opened.files[0]!.bytes).toBe(3000);
    expect(opened.updatedAt).toBe('2026-06-01T12:00:10+00:00');

    const before = await fs.stat(path.join(dir, 'metadata.json'));
    c.tick(10);
    const again = await store.open(r.slug);
    expect(again.updatedAt).toBe('2026-06-01T12:00:10+00:00');
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
    const first = await store.open(r.slug);
    expect(first.files.map((f) => f.path)).toEqual(['backend.log']);
    await fs.appendFile(log, 'GET /api/health 200\n'.repeat(100));
    c.tick(5);
    const again = await store.open(r.slug);
    expect(again.updatedAt).toBe(first.updatedAt);
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
});

describe('events', () => {
  it('tells listeners which artifact changed', async () => {
    const { store } = await setup();
    const seen: string[][] = [];
    store.onChanged((s) => seen.push(s));
    const r = await store.create({ name: 'E', type: 'document' });
    await store.rename(r.slug, 'F');
    expect(seen).toEqual([[r.slug], [r.slug]]);
  });

  it('errors are KilnErrors', async () => {
    const { store } = await setup();
    await store.open('missing').catch((e: unknown) => expect(e).toBeInstanceOf(KilnError));
    expect.assertions(1);
  });
});
