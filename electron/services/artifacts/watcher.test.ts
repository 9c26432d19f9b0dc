import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from './store';
import { tempStore } from './test-helpers';
import { ArtifactWatcher, type WatchedStore } from './watcher';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, done: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

interface Call {
  slug: string;
  paths: string[];
}

/**
 * The real store, seen through the seam: every call the watcher makes goes to the store; the
 * outside-change reports are also recorded so a test can count them.
 */
function recorded(store: ArtifactStore): { seam: WatchedStore; calls: Call[]; trusted: (string | null)[] } {
  const calls: Call[] = [];
  const trusted: (string | null)[] = [];
  const seam: WatchedStore = {
    root: () => store.root(),
    setWatchedRoot: (root) => {
      trusted.push(root);
      store.setWatchedRoot(root);
    },
    isOwnChange: (slug, relPath) => store.isOwnChange(slug, relPath),
    applyOutsideChange: async (slug, relPaths) => {
      await store.applyOutsideChange(slug, relPaths);
      calls.push({ slug, paths: relPaths }); // once applied, so a test may read the store's state
    },
  };
  return { seam, calls, trusted };
}

async function setup() {
  let ws = '';
  const t = await tempStore({ workspaceDir: () => ws });
  ws = t.ws;
  const { seam, calls, trusted } = recorded(t.store);
  const watcher = new ArtifactWatcher(seam);
  cleanups.push(t.cleanup, () => watcher.stop());
  await watcher.start();
  const callsFor = (slug: string) => calls.filter((c) => c.slug === slug);
  return { ...t, watcher, calls, callsFor, trusted, setWs: (p: string) => (ws = p) };
}

describe('artifact watcher', () => {
  it('reports a file written from outside once, with its path, and the store reconciles files[]', async () => {
    const { store, root, callsFor } = await setup();
    const r = await store.create({ name: 'W', type: 'document' });
    await sleep(400); // the echo of Kiln's own create has come and gone
    await fs.writeFile(path.join(root, r.slug, 'notes.md'), '# from outside');
    await waitFor('the outside write', () => callsFor(r.slug).length > 0);
    await sleep(400);
    expect(callsFor(r.slug)).toEqual([{ slug: r.slug, paths: ['notes.md'] }]);
    expect((await store.list()).find((i) => i.slug === r.slug)?.fileCount).toBe(1);
  });

  it('batches a burst of 20 writes in one artifact into one report', async () => {
    const { store, root, callsFor } = await setup();
    const r = await store.create({ name: 'Burst', type: 'html-app' });
    await sleep(400);
    await fs.mkdir(path.join(root, r.slug, 'static'));
    const written = Array.from({ length: 20 }, (_, i) => `static/f-${i}.js`);
    for (const rel of written) await fs.writeFile(path.join(root, r.slug, rel), `// ${rel}`);
    await waitFor('the burst', () => callsFor(r.slug).length > 0);
    await sleep(500);
    expect(callsFor(r.slug)).toHaveLength(1);
    expect(callsFor(r.slug)[0]!.paths).toEqual(expect.arrayContaining(written));
  });

  it("reports nothing for Kiln's own writes through the store, but an outside edit of the same file after it", async () => {
    const { store, root, calls, callsFor } = await setup();
    const r = await store.create({ name: 'Mine', type: 'document' });
    await store.rename(r.slug, 'Mine renamed');
    await store.files.write(r.slug, 'static/app.js', 'let a = 1;', 'agent');
    await store.files.write(r.slug, 'notes.md', '# mine', 'user');
    await store.files.remove(r.slug, 'notes.md', 'user');
    await sleep(800);
    expect(calls, JSON.stringify(calls)).toEqual([]);
    await fs.writeFile(path.join(root, r.slug, 'static', 'app.js'), 'let a = 2; // edited outside');
    await waitFor('the outside edit', () => callsFor(r.slug).length > 0);
    expect(callsFor(r.slug)).toEqual([{ slug: r.slug, paths: ['static/app.js'] }]);
  });

  it('reports nothing for an artifact created with its first files (the bundled examples)', async () => {
    const { store, calls } = await setup();
    const seed = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-seed-'));
    cleanups.push(() => fs.rm(seed, { recursive: true, force: true }));
    await fs.mkdir(path.join(seed, 'static'));
    await fs.writeFile(path.join(seed, 'backend.py'), 'print(1)\n');
    await fs.writeFile(path.join(seed, 'static', 'index.html'), '<p>hi</p>');
    const r = await store.create({ name: 'Seeded', type: 'fullstack-stateless-app' }, 'user', { source: seed, keep: () => true });
    expect(r.files.map((f) => f.path)).toEqual(['backend.py', 'static/index.html']);
    await sleep(800);
    expect(calls, JSON.stringify(calls)).toEqual([]);
  });

  it('ignores tooling folders, atomic-write temp files and backend.log at any letter case', async () => {
    const { store, root, callsFor } = await setup();
    const r = await store.create({ name: 'Noise', type: 'fullstack-stateless-app' });
    await sleep(400);
    const dir = path.join(root, r.slug);
    const noise = ['.venv/lib/site.py', '.VENV/x.py', 'node_modules/a/index.js', 'static/node_modules/b.js', '__pycache__/m.pyc', '.git/HEAD'];
    for (const rel of noise) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), 'x');
    }
    await fs.writeFile(path.join(dir, '.notes.md.a1b2c3.tmp'), 'half');
    await fs.appendFile(path.join(dir, 'backend.log'), 'INFO started\n');
    await fs.appendFile(path.join(dir, 'Backend.LOG'), 'INFO started\n');
    await sleep(500);
    // Only a real content file makes a report, and the noise was never batched with it.
    await fs.writeFile(path.join(dir, 'app.py'), 'print(1)');
    await waitFor('the content write', () => callsFor(r.slug).length > 0);
    await sleep(400);
    const reported = callsFor(r.slug).flatMap((c) => c.paths);
    expect(reported).toContain('app.py');
    // Creating a tooling folder may show as its parent's change ('' or 'static'), never as the folder or its files.
    expect(reported.filter((p) => !['app.py', '', 'static'].includes(p))).toEqual([]);
  });

  it('reports an artifact folder made by hand and one removed by hand, and keeps watching', async () => {
    const { store, root, callsFor } = await setup();
    const a = await store.create({ name: 'A', type: 'document' });
    await sleep(400);
    await fs.rm(path.join(root, a.slug), { recursive: true });
    await waitFor('the removal', () => callsFor(a.slug).length > 0);
    expect(callsFor(a.slug).flatMap((c) => c.paths)).toContain('');
    expect((await store.list()).map((i) => i.slug)).not.toContain(a.slug);

    await fs.mkdir(path.join(root, 'by-hand', 'static'), { recursive: true });
    await fs.writeFile(path.join(root, 'by-hand', 'static', 'x.js'), '1');
    await waitFor('the new folder', () => callsFor('by-hand').length > 0);
    expect(callsFor('by-hand').flatMap((c) => c.paths)).toContain('');
    expect((await store.list()).map((i) => i.slug)).toContain('by-hand');
  });

  it('sees changes deep inside a folder tree made in one go (cp -r), not just its top', async () => {
    const { root, callsFor } = await setup();
    // Like `cp -r` of a site: folders and files made as fast as the disk allows.
    const dirs: string[] = [];
    for (const a of ['js', 'css', 'img', 'fonts', 'data']) {
      for (const b of ['x', 'y', 'z']) for (const c of ['1', '2']) dirs.push(`site/${a}/${b}/${c}`);
    }
    for (const d of dirs) {
      await fs.mkdir(path.join(root, 'copied', d), { recursive: true });
      await fs.writeFile(path.join(root, 'copied', d, 'f.txt'), 'x');
    }
    await waitFor('the copy', () => callsFor('copied').length > 0);
    await sleep(400);
    const before = callsFor('copied').length;
    for (const d of dirs) await fs.writeFile(path.join(root, 'copied', d, 'probe.txt'), 'later edit');
    await waitFor('the probes', () => callsFor('copied').length > before);
    await sleep(400);
    const seen = new Set(callsFor('copied').slice(before).flatMap((c) => c.paths));
    expect(dirs.filter((d) => !seen.has(`${d}/probe.txt`))).toEqual([]);
  });

  it('reports a busy artifact at least every second even when it never goes quiet', async () => {
    const { store, root, callsFor } = await setup();
    const r = await store.create({ name: 'Busy', type: 'dataset' });
    await sleep(400);
    const t0 = Date.now();
    while (Date.now() - t0 < 1600 && callsFor(r.slug).length === 0) {
      await fs.appendFile(path.join(root, r.slug, 'stream.csv'), 'a,b\n');
      await sleep(50);
    }
    expect(callsFor(r.slug).length).toBeGreaterThan(0); // reported while the writes went on
  });

  it('lets the store trust its cache only while the root is watched', async () => {
    const { root, trusted, watcher } = await setup();
    expect(trusted).toEqual([root]);
    await fs.rm(root, { recursive: true });
    await waitFor('distrust after the root vanished', () => trusted.at(-1) === null);
    await watcher.stop();
    expect(trusted.at(-1)).toBeNull();
  });

  it('re-roots when the workspace changes and forgets the old root', async () => {
    const { store, root: oldRoot, ws, calls, callsFor, watcher, setWs } = await setup();
    const old = await store.create({ name: 'Old', type: 'document' });
    const other = path.join(ws, 'second-workspace');
    await fs.mkdir(other);
    setWs(other);
    await watcher.restart();
    expect(store.root()).toBe(path.join(other, '.anton', 'artifacts'));
    await fs.writeFile(path.join(oldRoot, old.slug, 'late.md'), 'x');
    await fs.mkdir(path.join(store.root(), 'moved-in'));
    await fs.writeFile(path.join(store.root(), 'moved-in', 'n.md'), 'x');
    await waitFor('the write in the new root', () => callsFor('moved-in').length > 0);
    await sleep(400);
    expect(calls.map((c) => c.slug)).toEqual(['moved-in']);
  });

  it('keeps watching every other artifact when the native watcher cannot walk one (a path over the OS limit)', async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    // 25 nested folders of 200 bytes: deeper than PATH_MAX (4096), which the native walk refuses.
    // Node's fs can't make or remove such a path; the shell works folder by folder.
    const name = 'd'.repeat(200);
    cleanups.push(async () => execFileSync('rm', ['-rf', path.join(t.root, 'deep')]));
    execFileSync('bash', ['-c', 'mkdir -p "$1/deep" && cd "$1/deep" && for i in $(seq 25); do mkdir "$2" && cd "$2"; done', 'bash', t.root, name]);
    await fs.mkdir(path.join(t.root, 'fine'));
    const { seam, calls, trusted } = recorded(t.store);
    const watcher = new ArtifactWatcher(seam);
    cleanups.push(() => watcher.stop());
    await watcher.start();
    expect(trusted.at(-1)).toBeNull(); // lists re-check the disk: part of it goes unseen
    const callsFor = (slug: string) => calls.filter((c) => c.slug === slug);

    await fs.writeFile(path.join(t.root, 'fine', 'notes.md'), 'x');
    await waitFor('a change in a watchable artifact', () => callsFor('fine').length > 0);
    expect(callsFor('fine')[0]!.paths).toEqual(['notes.md']);

    await fs.mkdir(path.join(t.root, 'fresh'));
    await fs.writeFile(path.join(t.root, 'fresh', 'a.md'), 'x');
    await waitFor('a new artifact', () => callsFor('fresh').length > 0);
    expect(callsFor('fresh').flatMap((c) => c.paths)).toContain('');
    await sleep(300);
    const before = callsFor('fresh').length;
    await fs.writeFile(path.join(t.root, 'fresh', 'later.md'), 'x');
    await waitFor('a change inside the new artifact', () => callsFor('fresh').length > before);
    expect(callsFor('fresh').at(-1)!.paths).toEqual(['later.md']);
  });

  it('watches a workspace reached through a link (events carry the resolved path)', async () => {
    const links = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-watch-link-'));
    cleanups.push(() => fs.rm(links, { recursive: true, force: true }));
    const link = path.join(links, 'workspace');
    const t = await tempStore({ workspaceDir: () => link });
    cleanups.push(t.cleanup);
    await fs.symlink(t.ws, link);
    const { seam, calls } = recorded(t.store);
    const watcher = new ArtifactWatcher(seam);
    cleanups.push(() => watcher.stop());
    await watcher.start();
    await fs.mkdir(path.join(t.root, 'via-real-path'));
    await fs.writeFile(path.join(t.root, 'via-real-path', 'a.md'), 'x');
    await waitFor('the change', () => calls.some((c) => c.slug === 'via-real-path'));
  });

  it('refuses to start with a clear error when the artifacts folder cannot be made, and stops cleanly', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-watch-bad-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const ws = path.join(dir, 'a-file');
    await fs.writeFile(ws, 'not a folder');
    const t = await tempStore({ workspaceDir: () => ws });
    cleanups.push(t.cleanup);
    const watcher = new ArtifactWatcher(recorded(t.store).seam);
    await expect(watcher.start()).rejects.toThrow(/ENOTDIR|not a directory/);
    await watcher.stop();
  });

  it('stops: no report after stop, and the process can exit with no handle left open', async () => {
    const { store, root, calls, watcher } = await setup();
    const r = await store.create({ name: 'Stop', type: 'document' });
    await sleep(400);
    await fs.writeFile(path.join(root, r.slug, 'pending.md'), 'x');
    await sleep(60); // a batch is pending when stop() comes
    await watcher.stop();
    await fs.writeFile(path.join(root, r.slug, 'after.md'), 'x');
    await sleep(500);
    expect(calls.flatMap((c) => c.paths)).not.toContain('after.md');

    // A separate Node process that starts, sees a change pending, stops and then has nothing
    // left to do must exit by itself: no native thread, timer or fs handle keeps it alive.
    const here = path.dirname(fileURLToPath(import.meta.url));
    const cache = path.resolve(here, '../../../node_modules/.cache');
    await fs.mkdir(cache, { recursive: true });
    const out = await fs.mkdtemp(path.join(cache, 'kiln-watch-exit-'));
    cleanups.push(() => fs.rm(out, { recursive: true, force: true }));
    const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-watch-exit-ws-'));
    cleanups.push(() => fs.rm(ws, { recursive: true, force: true }));
    await build({
      stdin: {
        contents: `
          import { writeFileSync, mkdirSync } from 'node:fs';
          import { ArtifactStore } from './store';
          import { ArtifactWatcher } from './watcher';
          const store = new ArtifactStore({ workspaceDir: () => process.argv[2] });
          const w = new ArtifactWatcher(store);
          await w.start();
          mkdirSync(store.root() + '/x');
          writeFileSync(store.root() + '/x/a.md', 'x');
          await new Promise((r) => setTimeout(r, 80));
          await w.stop();
          console.log('stopped');
        `,
        resolveDir: here,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: path.join(out, 'exit.mjs'),
      logLevel: 'error',
    });
    const child = spawnSync(process.execPath, [path.join(out, 'exit.mjs'), ws], { encoding: 'utf8', timeout: 10_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('stopped');
    expect(child.signal).toBeNull(); // not killed by the timeout
    expect(child.status).toBe(0);
  });
});
