import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus';
import { AfterStart } from '../lifecycle/after-start';
import { ShutdownRegistry } from '../lifecycle/shutdown';
import { SettingsStore } from '../settings/settings-store';
import { createArtifactServices, type ArtifactsChanged } from './index';
import { ListIndex } from './list-index';
import { ArtifactStore } from './store';

// The watcher starts once the host is up (docs/reliability.md, "Start-up"): nothing another
// program does to the artifacts folder in between may be lost.
const temps: string[] = [];
afterEach(async () => {
  while (temps.length) await fs.rm(temps.pop()!, { recursive: true, force: true });
});

async function host() {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-start-gap-'));
  temps.push(base);
  const ws = path.join(base, 'ws');
  await fs.mkdir(path.join(base, 'user-data'));
  const settings = new SettingsStore(path.join(base, 'user-data'));
  await settings.load();
  const events = new EventBus();
  const shutdown = new ShutdownRegistry();
  const afterStart = new AfterStart({ deferred: true });
  const seen: ArtifactsChanged[] = [];
  events.subscribe((name, payload) => {
    if (name === 'artifacts.changed') seen.push(payload as ArtifactsChanged);
  });
  const { store } = await createArtifactServices({ store: { workspaceDir: () => ws }, events, settings, shutdown, afterStart });
  // Another program writing the same anton folder (anton itself, a sync tool): Kiln hears nothing from it.
  const outsider = new ArtifactStore({ workspaceDir: () => ws });
  return { ws, store, outsider, afterStart, seen, shutdown };
}

describe('start-up before the watcher', () => {
  it('an artifact another program adds while Kiln starts shows in the gallery, and later outside edits show live', async () => {
    const h = await host();
    const first = await h.store.create({ name: 'Made by Kiln', type: 'document' });
    // The window's first gallery list, before the host said it is up and the watcher began.
    expect((await h.store.list()).map((i) => i.slug)).toEqual([first.slug]);
    expect(h.store.isWatched()).toBe(false);

    const added = await h.outsider.create({ name: 'Added during start-up', type: 'document' });
    // Lists read the disk until the watcher covers the root.
    expect((await h.store.list()).map((i) => i.slug).sort()).toEqual([first.slug, added.slug].sort());

    const before = h.seen.length;
    h.afterStart.begin();
    await expect.poll(() => h.store.isWatched(), { timeout: 10_000 }).toBe(true);
    // The window that listed before the watch is told to list again (nothing else would tell it).
    expect(h.seen.slice(before)).toContainEqual({ changes: [], rescan: true });
    expect((await h.store.list()).map((i) => i.name).sort()).toEqual(['Added during start-up', 'Made by Kiln']);

    const count = h.seen.length;
    await fs.writeFile(path.join(h.store.root(), added.slug, 'notes.md'), 'edited in another editor');
    await expect
      .poll(() => h.seen.slice(count).some((e) => e.changes.some((c) => c.slug === added.slug && c.by === 'outside' && c.paths?.includes('notes.md'))), { timeout: 5000 })
      .toBe(true);
    const later = await h.outsider.create({ name: 'Added after start-up', type: 'document' });
    await expect.poll(async () => (await h.store.list()).some((i) => i.slug === later.slug), { timeout: 5000 }).toBe(true);
    expect(await h.shutdown.runAll()).toEqual([]);
  }, 30_000);

  it('announces no rescan when nothing was listed before the watcher began', async () => {
    const h = await host();
    await h.outsider.create({ name: 'Already there', type: 'document' });
    h.afterStart.begin();
    await expect.poll(() => h.store.isWatched(), { timeout: 10_000 }).toBe(true);
    expect(h.seen.filter((e) => e.rescan)).toEqual([]);
    expect((await h.store.list()).map((i) => i.name)).toEqual(['Already there']);
    expect(await h.shutdown.runAll()).toEqual([]);
  }, 30_000);

  it('a list whose scan began before the watch is not served from memory afterwards', async () => {
    const h = await host();
    await h.outsider.create({ name: 'One', type: 'document' });
    const root = h.store.root();
    const index = new ListIndex(() => root);
    const scanning = index.list(); // its readdir is already under way
    // The watcher covers the root from here on, and says the list being made may be stale.
    expect(index.setWatchedRoot(root)).toBe(true);
    const two = await h.outsider.create({ name: 'Two', type: 'document' }); // made before the watch saw anything
    expect((await scanning).map((i) => i.name)).toEqual(['One']);
    expect((await index.list()).map((i) => i.slug)).toContain(two.slug);
  });
});
