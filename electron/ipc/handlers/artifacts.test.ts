/**
 * The artifact endpoints through the real router: the contract rejects bad input before the
 * store runs, errors cross as sentences with codes, and outputs match the contract.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../core/services';
import type { PlatformPort } from '../../core/platform';
import { ArtifactReaders } from '../../services/artifacts/readers';
import { ArtifactRemoval } from '../../services/artifacts/removal';
import { ArtifactReveal } from '../../services/artifacts/reveal';
import { ArtifactStore } from '../../services/artifacts/store';
import { SettingsStore } from '../../services/settings/settings-store';
import { WorkspaceSetting } from '../../services/settings/workspace-setting';
import { createRouter, type HandlerMap, type Router } from '../router';
import { artifactsHandlers } from './artifacts';

let base: string;
let router: Router;
const revealed: string[] = [];
let revealFails = false;

async function call(channel: string, input?: unknown) {
  return router.call(channel, input, { transport: 'test' });
}

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-art-handlers-'));
  await fs.mkdir(path.join(base, 'user-data'));
  const settings = new SettingsStore(path.join(base, 'user-data'));
  await settings.load();
  await settings.update({ workspace: { path: path.join(base, 'ws') } });
  const workspaceDir = (): string => settings.get().workspace.path!;
  const platform: PlatformPort = {
    runtime: 'web',
    versions: {},
    openExternal: async () => undefined,
    revealInFolder: async (target) => {
      if (revealFails) throw new Error('spawn xdg-open ENOENT');
      revealed.push(target);
    },
    trashItem: async () => false,
  };
  const artifacts = new ArtifactStore({ workspaceDir, trashItem: platform.trashItem });
  const services = {
    artifacts,
    artifactReaders: new ArtifactReaders(artifacts),
    // Records what delete does to a running app; the supervisor itself is tested with real processes.
    artifactRemoval: new ArtifactRemoval({
      trash: (slug) => artifacts.delete(slug),
      backends: {
        status: (slug: string) => ({ slug, state: running.has(slug) ? 'running' : 'stopped' }),
        stop: async (slug: string) => {
          events.push(`stop ${slug}`);
          running.delete(slug);
        },
      },
      scratchpads: { reset: (slug: string) => events.push(`reset ${slug}`) },
    }),
    artifactReveal: new ArtifactReveal({ store: artifacts, revealInFolder: platform.revealInFolder }),
    workspaceSetting: new WorkspaceSetting({
      settings,
      current: () => ({ path: workspaceDir(), artifactsRoot: artifacts.root(), overridden: artifacts.workspaceOverridden }),
    }),
    settings,
    platform,
    workspaceDir,
    resourcesDir: path.resolve('resources'),
  } as unknown as Services;
  router = createRouter(artifactsHandlers(services) as HandlerMap);
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const running = new Set<string>();
const events: string[] = [];

describe('artifact endpoints', () => {
  it('add examples, list, open, read, rename, reveal and delete', async () => {
    const added = (await call('artifacts.addExamples')) as { ok: true; data: { slugs: string[] } };
    expect(added.ok).toBe(true);
    const [dash, app] = added.data.slugs;
    const list = (await call('artifacts.list')) as { ok: true; data: { slug: string }[] };
    expect(list.data.map((i) => i.slug).sort()).toEqual([dash, app].sort());
    const opened = (await call('artifacts.open', { slug: app })) as { ok: true; data: { files: unknown[] } };
    expect(opened.data.files).toHaveLength(5);
    const text = (await call('artifacts.readText', { slug: app, path: 'requirements.txt' })) as { ok: true; data: { text: string } };
    expect(text.data.text).toContain('fastapi');
    const renamed = (await call('artifacts.rename', { slug: dash, name: 'Renamed' })) as { ok: true; data: { slug: string; name: string } };
    expect(renamed.data).toMatchObject({ slug: dash, name: 'Renamed' });
    expect(await call('artifacts.reveal', { slug: dash })).toEqual({ ok: true, data: undefined });
    expect(revealed.at(-1)).toBe(path.join(base, 'ws', '.anton', 'artifacts', dash!));
    const deleted = (await call('artifacts.delete', { slug: dash })) as { ok: true; data: { movedTo: string } };
    expect(deleted.data.movedTo).toBe('workspace-trash');
    // A running app is stopped (and its Python scratchpad reset) before its folder moves.
    const again = (await call('artifacts.addExamples')) as { ok: true; data: { slugs: string[] } };
    const spare = again.data.slugs[1]!;
    running.add(spare);
    expect(await call('artifacts.delete', { slug: spare })).toMatchObject({ ok: true });
    expect(events).toEqual([`reset ${dash}`, `stop ${spare}`, `reset ${spare}`]);
  });

  it('refuses traversal at the boundary and outside the folder, with codes and sentences', async () => {
    expect(await call('artifacts.open', { slug: '../..' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call('artifacts.delete', { slug: 'a/b' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const [slug] = ((await call('artifacts.list')) as { ok: true; data: { slug: string }[] }).data.map((i) => i.slug);
    expect(await call('artifacts.readText', { slug, path: '../../../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('artifacts.open', { slug: 'no-such-thing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('no-such-thing') } });
  });

  it('says where the folder is when no file manager can be opened', async () => {
    const [slug] = ((await call('artifacts.list')) as { ok: true; data: { slug: string }[] }).data.map((i) => i.slug);
    revealFails = true;
    const r = await call('artifacts.reveal', { slug });
    revealFails = false;
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining(path.join('.anton', 'artifacts', slug!)) } });
  });

  it('workspace: reports it, refuses a bad folder, switches to a good one', async () => {
    const info = (await call('artifacts.workspace')) as { ok: true; data: { path: string; overridden: boolean } };
    expect(info.data).toMatchObject({ path: path.join(base, 'ws'), overridden: false });
    expect(await call('artifacts.setWorkspace', { path: 'not/absolute' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const next = path.join(base, 'ws2');
    const set = (await call('artifacts.setWorkspace', { path: next })) as { ok: true; data: { path: string; artifactsRoot: string } };
    expect(set.data).toMatchObject({ path: next, artifactsRoot: path.join(next, '.anton', 'artifacts') });
    expect(await call('artifacts.list')).toEqual({ ok: true, data: [] });
  });
});
