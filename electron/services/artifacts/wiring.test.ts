import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactsEndpoints } from '../../../shared/contract/artifacts';
import { EventBus } from '../events/event-bus';
import { ShutdownRegistry } from '../lifecycle/shutdown';
import { SettingsStore } from '../settings/settings-store';
import { createArtifactServices, type ArtifactsChanged } from './index';
import { checkWorkspaceFolder } from './workspace';

const temps: string[] = [];
afterEach(async () => {
  while (temps.length) await fs.rm(temps.pop()!, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-wiring-'));
  temps.push(d);
  return d;
}

describe('artifact services wiring', () => {
  it('emits artifacts.changed on the bus, follows a workspace change in settings, and stops on shutdown', async () => {
    const base = await temp();
    const settings = new SettingsStore(path.join(base, 'user-data'));
    await fs.mkdir(path.join(base, 'user-data'));
    await settings.load();
    await settings.update({ workspace: { path: path.join(base, 'ws1') } });
    const events = new EventBus();
    const shutdown = new ShutdownRegistry();
    const seen: ArtifactsChanged[] = [];
    events.subscribe((name, payload) => {
      if (name === 'artifacts.changed') seen.push(payload as ArtifactsChanged);
    });
    const { store } = await createArtifactServices({
      store: { workspaceDir: () => settings.get().workspace.path! },
      events,
      settings,
      shutdown,
    });
    const a = await store.create({ name: 'First', type: 'document' });
    expect(seen).toContainEqual({ changes: [expect.objectContaining({ slug: a.slug, kind: 'created', by: 'user' })] });

    await settings.update({ workspace: { path: path.join(base, 'ws2') } });
    expect(store.root()).toBe(path.join(base, 'ws2', '.anton', 'artifacts'));
    expect(await store.list()).toEqual([]);
    expect(seen).toContainEqual({ changes: [], rescan: true });

    const b = await store.create({ name: 'Second', type: 'document' });
    await expect.poll(() => store.isWatched(), { timeout: 5000 }).toBe(true); // the watcher re-rooted
    const count = seen.length;
    await fs.writeFile(path.join(store.root(), b.slug, 'x.md'), 'outside');
    await expect
      .poll(() => seen.slice(count).some((e) => e.changes.some((c) => c.slug === b.slug && c.by === 'outside' && c.paths?.includes('x.md'))), { timeout: 3000 })
      .toBe(true);
    expect(await shutdown.runAll()).toEqual([]);
  });
});

describe('workspace folder check', () => {
  it('accepts and creates an absolute folder', async () => {
    const base = await temp();
    const target = path.join(base, 'new', 'workspace');
    expect(await checkWorkspaceFolder(`  ${target} `)).toBe(target);
    expect((await fs.stat(target)).isDirectory()).toBe(true);
    expect(await fs.readdir(target)).toEqual([]); // the write probe is cleaned up
  });

  it('refuses relative paths, files and folders that cannot be created, with a sentence', async () => {
    const base = await temp();
    await expect(checkWorkspaceFolder('relative/dir')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/not an absolute path/) });
    await expect(checkWorkspaceFolder('')).rejects.toMatchObject({ code: 'VALIDATION' });
    const file = path.join(base, 'a-file');
    await fs.writeFile(file, 'keep');
    await expect(checkWorkspaceFolder(file)).rejects.toMatchObject({ code: 'IO' });
    await expect(checkWorkspaceFolder(path.join(file, 'below'))).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/can't create/) });
    expect(await fs.readFile(file, 'utf8')).toBe('keep');
  });
});

describe('contract boundary', () => {
  it('rejects traversal slugs before any handler runs', () => {
    const open = artifactsEndpoints['artifacts.open'].input;
    for (const slug of ['..', '.', '../x', 'a/b', 'a\\b', '', 'x'.repeat(300)]) expect(open.safeParse({ slug }).success).toBe(false);
    expect(open.safeParse({ slug: 'weekly-report' }).success).toBe(true);
    expect(artifactsEndpoints['artifacts.rename'].input.safeParse({ slug: 'a', name: 'n'.repeat(10_000) }).success).toBe(false);
  });
});
