import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJson, tempStore } from './test-helpers';

/**
 * A workspace written by hand the way anton leaves it (anton-format §1–2): no schemaVersion,
 * legacy datasource keys, an unknown type, a corrupt record, a slug without id suffix.
 */
async function antonWorkspace(root: string): Promise<void> {
  const write = async (slug: string, files: Record<string, string>) => {
    for (const [rel, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, slug, rel)), { recursive: true });
      await fs.writeFile(path.join(root, slug, rel), content);
    }
  };
  await write('sales-dashboard-0a1b2c3d', {
    'metadata.json': JSON.stringify(
      {
        id: '0a1b2c3d',
        slug: 'sales-dashboard-0a1b2c3d',
        createdAt: '2026-05-01T09:00:00+00:00',
        updatedAt: '2026-05-03T10:00:00+00:00',
        name: 'Sales dashboard',
        description: 'Q2 sales',
        type: 'html-app',
        primary: 'dashboard.html',
        port: null,
        datasources: [{ engine: 'postgres', name: '7e8971c3', label: 'Prod DB', connection_id: 42 }],
        files: [{ path: 'dashboard.html', bytes: 10, modifiedAt: '2026-05-03T10:00:00+00:00' }],
        provenance: [{ conversation: 'abc', title: null, turns: [{ index: 1, timestamp: '2026-05-01T09:00:00+00:00', summary: 'build it', files_touched: ['dashboard.html'] }] }],
      },
      null,
      2,
    ),
    'dashboard.html': '<h1>Sales</h1>',
    'README.md': '# Sales dashboard\n',
  });
  await write('weekly-report', {
    'metadata.json': JSON.stringify({
      id: '9f8e7d6c',
      slug: 'weekly-report',
      createdAt: '2026-04-01T09:00:00+00:00',
      updatedAt: '2026-04-01T09:00:00+00:00',
      name: 'Weekly report',
      description: '',
      type: 'document',
      primary: 'report.md',
    }),
    'report.md': '# Week 14',
  });
  await write('widget-11112222', {
    'metadata.json': JSON.stringify({ id: '11112222', slug: 'widget-11112222', createdAt: '2026-05-05T00:00:00+00:00', updatedAt: '2026-05-05T00:00:00+00:00', name: 'Widget', description: '', type: 'spreadsheet-app' }),
  });
  await write('broken-33334444', { 'metadata.json': '{"id": "33334444", "name": "Brok' });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('an anton workspace', () => {
  it('lists every folder: valid records newest first, damaged ones with a reason', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await antonWorkspace(t.root);
    const list = await t.store.list();
    const bySlug = Object.fromEntries(list.map((i) => [i.slug, i]));
    expect(Object.keys(bySlug).sort()).toEqual(['broken-33334444', 'sales-dashboard-0a1b2c3d', 'weekly-report', 'widget-11112222']);
    expect(bySlug['sales-dashboard-0a1b2c3d']).toMatchObject({ name: 'Sales dashboard', type: 'html-app', fileCount: 1 });
    expect(bySlug['weekly-report']).toMatchObject({ name: 'Weekly report', type: 'document', id: '9f8e7d6c' });
    expect(bySlug['widget-11112222']!.damaged?.reason).toMatch(/Unknown artifact type "spreadsheet-app"/);
    expect(bySlug['broken-33334444']!.damaged?.reason).toMatch(/not valid JSON/);
    const valid = list.filter((i) => !i.damaged).map((i) => i.slug);
    expect(valid).toEqual(['sales-dashboard-0a1b2c3d', 'weekly-report']);
  });

  it('opens a record without schemaVersion and rewrites it with legacy datasource keys intact', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await antonWorkspace(t.root);
    const rec = await t.store.update('sales-dashboard-0a1b2c3d', { port: 8800 });
    expect(rec.schemaVersion).toBe(1);
    const json = await readJson(path.join(t.root, 'sales-dashboard-0a1b2c3d', 'metadata.json'));
    expect(json.schemaVersion).toBe(1);
    expect(json.datasources).toEqual([{ engine: 'postgres', name: '7e8971c3', label: 'Prod DB', connection_id: 42 }]);
    expect(json.provenance).toEqual([{ conversation: 'abc', title: null, turns: [{ index: 1, timestamp: '2026-05-01T09:00:00+00:00', summary: 'build it', files_touched: ['dashboard.html'] }] }]);
    expect(json.files).toEqual([expect.objectContaining({ path: 'dashboard.html', bytes: 14 })]);
  });

  it('never assumes an id suffix: renames and opens a slug without one', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await antonWorkspace(t.root);
    const rec = await t.store.rename('weekly-report', 'Weekly report (final)');
    expect(rec.slug).toBe('weekly-report');
    expect(rec.files.map((f) => f.path)).toEqual(['report.md']);
  });

  it('leaves damaged records byte-for-byte untouched and refuses to write them', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await antonWorkspace(t.root);
    const file = path.join(t.root, 'broken-33334444', 'metadata.json');
    const before = await fs.readFile(file, 'utf8');
    await t.store.list();
    await expect(t.store.open('broken-33334444')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.store.rename('widget-11112222', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await t.store.reconcile('broken-33334444')).toBe(false);
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect(await fs.readdir(path.join(t.root, 'broken-33334444'))).toEqual(['metadata.json']);
  });

  it('writes records anton can read back: ordered keys, pretty JSON, files with / separators', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const r = await t.store.create({ name: 'New', type: 'fullstack-stateful-app', primary: 'static\\index.html' });
    expect(r.primary).toBe('static/index.html');
    await fs.mkdir(path.join(t.root, r.slug, 'static', 'js'), { recursive: true });
    await fs.writeFile(path.join(t.root, r.slug, 'static', 'js', 'app.js'), '1');
    const rec = await t.store.open(r.slug);
    expect(rec.files.map((f) => f.path)).toEqual(['static/js/app.js']);
    expect(rec.files[0]!.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });
});
