import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../artifacts/store';
import { EventBus } from '../events/event-bus';
import { ShutdownRegistry } from '../lifecycle/shutdown';
import { NoticeLog } from '../notices/notice-log';
import { SettingsStore } from '../settings/settings-store';
import { addArtifact, alive, makeWorkspace, waitFor } from './testing';
import { backendsIn, bundleCrashHost, killBackendsIn, runCrashHost } from './testing-host';
import { createBackendServices } from './wiring';

const SLUGS = Array.from({ length: 8 }, (_, i) => `stubborn-${i}`);

describe.skipIf(process.platform !== 'linux')('reaping at start', () => {
  let ws: string;
  let userData: string;
  let host: string;
  let dispose: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ws = await makeWorkspace();
    userData = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-reaper-ud-'));
    for (const slug of SLUGS) await addArtifact(ws, 'stdlib-app', slug, { mode: 'ignoreterm' });
    ({ host, dispose } = await bundleCrashHost());
  }, 60_000);
  afterAll(async () => {
    killBackendsIn(ws);
    await fs.rm(ws, { recursive: true, force: true });
    await fs.rm(userData, { recursive: true, force: true });
    await dispose();
  }, 60_000);

  it('does not hold up start-up, and stops 8 backends that ignore SIGTERM in parallel', async () => {
    const crashed = await runCrashHost(host, ws, SLUGS, null);
    expect(crashed.runningMs).not.toBeNull();
    const orphans = backendsIn(ws);
    expect(orphans).toHaveLength(8);

    const settings = new SettingsStore(userData);
    await settings.load();
    const notices = new NoticeLog();
    const shutdown = new ShutdownRegistry();
    const t0 = performance.now();
    await createBackendServices({
      workspaceDir: () => ws,
      settings,
      events: new EventBus(),
      shutdown,
      notices,
      scrub: (t) => t,
      env: {},
      store: new ArtifactStore({ workspaceDir: () => ws }),
      envFor: () => ({}),
    });
    const readyMs = performance.now() - t0;
    // The services are ready while the stubborn backends are still in their SIGTERM grace.
    expect(readyMs).toBeLessThan(1000);
    expect(orphans.some((pid) => alive(pid))).toBe(true);

    await waitFor(() => notices.list().some((n) => n.message.startsWith('Stopped 8 backend(s)')), 'the reaper notice', 15_000);
    const reapMs = performance.now() - t0;
    expect(orphans.filter((pid) => alive(pid))).toEqual([]);
    // One after another this took 8 × 3 s grace; in parallel it is one grace plus the SIGKILL.
    expect(reapMs).toBeLessThan(8000);
    process.stdout.write(`[reaper] services ready in ${readyMs.toFixed(0)} ms; 8 SIGTERM-ignoring orphans reaped in ${reapMs.toFixed(0)} ms\n`);
    await shutdown.runAll();
  }, 60_000);
});
