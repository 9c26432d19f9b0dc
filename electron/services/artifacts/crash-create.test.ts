import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAtomicTempFile } from '../../../shared/artifacts/rules';
import { bundleCrashHost } from '../backends/testing-host';
import { recoverArtifactsRoot } from './recover';
import { ArtifactStore } from './store';

/** Every Kiln temp name (create folders, atomic-write files) under the artifacts root. */
async function tempNames(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (isAtomicTempFile(e.name)) out.push(path.join(dir, e.name));
      else if (e.isDirectory()) await walk(path.join(dir, e.name));
    }
  };
  await walk(root);
  return out;
}

describe('a crash during create', () => {
  let ws: string;
  let host: string;
  let dispose: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-crash-create-'));
    ({ host, dispose } = await bundleCrashHost('e2e/fixtures/artifacts/create-loop.ts'));
  }, 60_000);
  afterAll(async () => {
    await fs.rm(ws, { recursive: true, force: true });
    await dispose();
  }, 60_000);

  it('leaves no damaged card and no temp file after the next start (10 random SIGKILLs)', async () => {
    const root = path.join(ws, '.anton', 'artifacts');
    let leftovers = 0;
    let restored = 0;
    for (let trial = 0; trial < 10; trial++) {
      const child = spawn(process.execPath, [host, ws], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      await new Promise((r) => setTimeout(r, 80 + Math.random() * 250));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      leftovers += (await tempNames(root)).length;
      // The next start: recovery runs (old temp files count as stale at once here), then the gallery.
      const store = new ArtifactStore({ workspaceDir: () => ws });
      const report = await recoverArtifactsRoot(store.root(), Date.now() + 120_000);
      restored += report.restored.length;
      const items = await store.list();
      expect(items.length).toBeGreaterThan(0);
      expect(items.filter((i) => i.damaged).map((i) => `${i.slug}: ${i.damaged?.reason}`)).toEqual([]);
      expect(await tempNames(root)).toEqual([]);
    }
    process.stdout.write(`[crash-create] 10 kills while creating 4 at a time: ${leftovers} temp names left by the crashes (${restored} complete creates finished), 0 after the next start, 0 damaged cards\n`);
  }, 90_000);

  it('finishes a create whose complete record was one rename from done, and removes an incomplete one', async () => {
    const root = path.join(ws, '.anton', 'artifacts');
    const store = new ArtifactStore({ workspaceDir: () => ws });
    const made = await store.create({ name: 'Almost', type: 'html-app', description: '' });
    // Put it back in its temp folder, as a crash just before the rename would have left it.
    await fs.rename(path.join(root, made.slug), path.join(root, `.new-${made.id}.tmp`));
    await fs.mkdir(path.join(root, '.new-deadbeef.tmp'));
    await fs.writeFile(path.join(root, '.new-deadbeef.tmp', '.metadata.json.999999.0a0b0c0d.tmp'), '{"schemaVer');
    const report = await store.recoverAtStart();
    expect(report.restored).toEqual([made.slug]);
    expect(report.removed).toBe(1);
    const items = await store.list();
    expect(items.find((i) => i.slug === made.slug)?.name).toBe('Almost');
    expect(items.filter((i) => i.damaged)).toEqual([]);
  });
});
