import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from './test-helpers';
import { ArtifactWatcher } from './watcher';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Resolves with the first report that mentions `slug`; rejects after the gallery's one-second budget. */
function nextReport(reports: string[][], slug: string, ms = 1000): Promise<string[]> {
  const start = reports.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change report for ${slug} within ${ms} ms`)), ms);
    const poll = setInterval(() => {
      const hit = reports.slice(start).find((r) => r.includes(slug));
      if (hit) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(hit);
      }
    }, 10);
  });
}

async function setup() {
  let ws = '';
  const t = await tempStore({ workspaceDir: () => ws });
  ws = t.ws;
  const reports: string[][] = [];
  const watcher = new ArtifactWatcher(t.store, (s) => reports.push(s), { debounceMs: 100 });
  await watcher.start();
  cleanups.push(t.cleanup, () => watcher.stop());
  return { ...t, watcher, reports, setWs: (p: string) => (ws = p) };
}

describe('artifact watcher', () => {
  it('reports a file written from outside within a second and reconciles files[]', async () => {
    const { store, root, reports } = await setup();
    const r = await store.create({ name: 'W', type: 'document' });
    const seen = nextReport(reports, r.slug);
    await fs.writeFile(path.join(root, r.slug, 'notes.md'), '# from outside');
    await seen;
    const list = await store.list();
    expect(list[0]!.fileCount).toBe(1);
  });

  it('survives artifact folders being created and removed, and keeps watching', async () => {
    const { store, root, reports } = await setup();
    const a = await store.create({ name: 'A', type: 'document' });
    const removed = nextReport(reports, a.slug);
    await fs.rm(path.join(root, a.slug), { recursive: true });
    await removed;
    expect(await store.list()).toEqual([]);

    const made = nextReport(reports, 'by-hand');
    await fs.mkdir(path.join(root, 'by-hand', 'static'), { recursive: true });
    await fs.writeFile(path.join(root, 'by-hand', 'static', 'x.js'), '1');
    await made;
    const b = await store.create({ name: 'B', type: 'document' });
    const later = nextReport(reports, b.slug);
    await fs.writeFile(path.join(root, b.slug, 'data.csv'), 'a,b\n1,2\n');
    await later;
  });

  it('reports each change once: one event per outside edit, none for the echo of Kiln\'s own save', async () => {
    const { store, root, reports, watcher } = await setup();
    store.onChanged((s) => reports.push(s)); // what the app wires: store events and watcher reports on one bus
    const r = await store.create({ name: 'Once', type: 'document' });
    await store.rename(r.slug, 'Once renamed');
    await new Promise((res) => setTimeout(res, 500));
    expect(reports.filter((s) => s.includes(r.slug))).toHaveLength(2);
    const before = reports.length;
    await fs.writeFile(path.join(root, r.slug, 'outside.md'), 'x');
    await nextReport(reports, r.slug);
    await new Promise((res) => setTimeout(res, 500));
    expect(reports.slice(before).filter((s) => s.includes(r.slug))).toHaveLength(1);
    expect((await store.open(r.slug)).files.map((f) => f.path)).toEqual(['outside.md']);
    await watcher.stop();
  });

  it('reports a record rewritten by another tool (anton) even though only metadata.json changed', async () => {
    const { store, root, reports } = await setup();
    const r = await store.create({ name: 'Anton edits', type: 'document' });
    await new Promise((res) => setTimeout(res, 300));
    const file = path.join(root, r.slug, 'metadata.json');
    const seen = nextReport(reports, r.slug);
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...json, name: 'Renamed by anton' }, null, 2));
    await seen;
    expect((await store.list())[0]!.name).toBe('Renamed by anton');
  });

  it('ignores backend.log churn', async () => {
    const { store, root, reports } = await setup();
    const r = await store.create({ name: 'L', type: 'fullstack-stateless-app' });
    await new Promise((res) => setTimeout(res, 300));
    const before = reports.length;
    await fs.appendFile(path.join(root, r.slug, 'backend.log'), 'INFO started\n');
    await new Promise((res) => setTimeout(res, 400));
    expect(reports.slice(before).filter((s) => s.includes(r.slug))).toEqual([]);
  });

  it('re-roots when the workspace changes', async () => {
    const { store, reports, watcher, setWs, ws } = await setup();
    const other = path.join(ws, 'second-workspace');
    await fs.mkdir(other);
    setWs(other);
    await watcher.restart();
    const r = await store.create({ name: 'In second', type: 'document' });
    expect(store.root()).toBe(path.join(other, '.anton', 'artifacts'));
    const seen = nextReport(reports, r.slug);
    await fs.writeFile(path.join(store.root(), r.slug, 'n.md'), 'x');
    await seen;
  });
});
