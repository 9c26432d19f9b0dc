import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArtifact, createTestSupervisor, makeWorkspace, waitFor } from './testing';
import { backendsIn, bundleCrashHost, killBackendsIn, runCrashHost } from './testing-host';

const TRIALS = 20;
/** Trials run in two lanes (two workspaces, two hosts) side by side to halve the wall time. */
const LANES = 2;
const SLUGS = Array.from({ length: 8 }, (_, i) => `app-${i}`);

describe.skipIf(process.platform !== 'linux')('SIGKILL while 8 backends launch at once', () => {
  const lanes: string[] = [];
  let host: string;
  let dispose: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    for (let l = 0; l < LANES; l++) {
      const ws = await makeWorkspace();
      lanes.push(ws);
      for (const slug of SLUGS) await addArtifact(ws, 'stdlib-app', slug);
    }
    ({ host, dispose } = await bundleCrashHost());
  }, 60_000);
  afterAll(async () => {
    for (const ws of lanes) {
      killBackendsIn(ws);
      await fs.rm(ws, { recursive: true, force: true });
    }
    await dispose();
  }, 60_000);

  const runHost = (ws: string, killAfterMs: number | null): ReturnType<typeof runCrashHost> => runCrashHost(host, ws, SLUGS, killAfterMs);

  it(`leaves 0 orphans after the next start, in ${TRIALS} trials`, async () => {
    const totals = { orphansAfterStart: 0, leftByCrash: 0, killedMidLaunch: 0, window: 0 };
    const lane = async (ws: string, trials: number): Promise<void> => {
      // Warm-up (the venvs are made once), then calibration: how long 8 launches take here.
      let window = 0;
      for (let i = 0; i < 2; i++) {
        const r = await runHost(ws, null);
        expect(r.runningMs).not.toBeNull();
        window = r.runningMs!;
        await createTestSupervisor(ws).supervisor.reapOrphans();
        expect(backendsIn(ws)).toEqual([]);
      }
      totals.window = Math.max(totals.window, window);
      for (let trial = 0; trial < trials; trial++) {
        const r = await runHost(ws, Math.floor(Math.random() * window));
        if (r.killedEarly) totals.killedMidLaunch++;
        // Let a backend spawned in the host's last moment come up; these are the would-be orphans.
        await new Promise((res) => setTimeout(res, 150));
        totals.leftByCrash += backendsIn(ws).length;
        await createTestSupervisor(ws).supervisor.reapOrphans();
        await waitFor(() => backendsIn(ws).length === 0, 'orphans to go', 5000).catch(() => undefined);
        totals.orphansAfterStart += backendsIn(ws).length;
      }
      // Nothing recorded is left live once every run has been reaped.
      expect(await fs.readFile(path.join(ws, '.kiln', 'state', 'backends.jsonl'), 'utf8')).toBe('');
    };
    await Promise.all(lanes.map((ws) => lane(ws, TRIALS / LANES)));
    process.stdout.write(
      `[crash-launch] ${TRIALS} trials, 8 launches each (window up to ${totals.window} ms): ${totals.killedMidLaunch} killed mid-launch, ` +
        `${totals.leftByCrash} backends left running by the crash, ${totals.orphansAfterStart} orphans after the next start\n`,
    );
    expect(totals.killedMidLaunch).toBeGreaterThan(TRIALS / 2);
    expect(totals.leftByCrash).toBeGreaterThan(0);
    expect(totals.orphansAfterStart).toBe(0);
  }, 240_000);
});
