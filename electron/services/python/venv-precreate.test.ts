import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempStore } from '../artifacts/test-helpers';
import { PythonService } from './python-service';
import { precreateVenvs } from './venv-precreate';
import { isFullstackType } from '../../../shared/artifacts/rules';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('makes the venv as soon as the agent writes requirements.txt, before any launch, and only for fullstack apps', async () => {
  const t = await tempStore();
  cleanup = t.cleanup;
  const python = new PythonService({
    settings: () => ({ interpreter: '/usr/bin/python3', systemSitePackages: true, pipArgs: [], installTimeoutSec: 60 }),
    workspaceDir: () => t.ws,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() },
  });
  const sub = precreateVenvs({
    onChanged: (l) => t.store.onChanged(l),
    isFullstack: async (slug) => isFullstackType((await t.store.read(slug)).type),
    ensureVenv: (slug) => python.ensureVenv(slug),
  });
  try {
    const app = await t.store.create({ name: 'Shop', type: 'fullstack-stateless-app' }, 'agent');
    const page = await t.store.create({ name: 'Report', type: 'html-app' }, 'agent');
    await t.store.files.write(app.slug, 'static/index.html', '<h1>hi</h1>', 'agent');
    await t.store.files.write(page.slug, 'requirements.txt', 'pandas\n', 'agent');
    expect(await fs.stat(python.venvDir(app.slug)).catch(() => null)).toBeNull();
    await t.store.files.write(app.slug, 'requirements.txt', 'fastapi\n', 'agent');
    await until(async () => Boolean(await fs.stat(path.join(python.venvDir(app.slug), '.kiln-venv.json')).catch(() => null)));
    // A later launch finds it ready: not created again.
    expect((await python.ensureVenv(app.slug)).created).toBe(false);
    expect(await fs.stat(python.venvDir(page.slug)).catch(() => null)).toBeNull();
  } finally {
    sub.dispose();
  }
});
