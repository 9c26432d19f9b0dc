/**
 * Deploy-to-healthy for the FastAPI example (resources/examples/inventory-app) on a private local
 * Docker Engine with a warm build cache, against doing it by hand through the same Engine API in
 * the same run: `docker build` of the same context, `docker run` with host networking, then
 * polling /api/health from the host. Needs root (it starts its own dockerd; see
 * e2e/fixtures/dockerd.ts) and the cached base image (scripts/deploy-base-image.sh).
 *
 *   node scripts/run-ts.mjs bench/deploy.ts [runs=5]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTestEngine } from '../e2e/fixtures/dockerd';
import { ArtifactStore } from '../electron/services/artifacts/store';
import { DeploymentState } from '../electron/services/deploy/deploy-state';
import { DeployService } from '../electron/services/deploy/deploy-service';
import { buildImage, contextEntries, tarContext } from '../electron/services/deploy/image-build';
import { DeployTargets } from '../electron/services/deploy/targets';
import { PublishService } from '../electron/services/publish/publish-service';
import { Scrubber } from '../electron/services/vault/scrubber';

const RUNS = Number(process.argv[2] ?? 5);
/** When each progress phase first showed up in the current run. */
const marks: Record<string, number> = {};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function healthy(port: number, deadline = Date.now() + 60_000): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never healthy');
}

/** A fake in-memory secret store: the bench needs no keychain (targets have no credentials). */
const noSecrets = { get: async () => null, set: async () => undefined, delete: async () => false, ensureLoaded: async () => null };

async function main(): Promise<void> {
  const engine = await startTestEngine();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-deploy-'));
  try {
    const root = path.join(tmp, 'ws', '.anton', 'artifacts');
    const dir = path.join(root, 'inventory-bench');
    mkdirSync(dir, { recursive: true });
    for (const f of ['backend.py', 'requirements.txt', 'static']) cpSync(path.resolve('resources/examples/inventory-app', f), path.join(dir, f), { recursive: true });
    const now = '2026-06-01T12:00:00+00:00';
    writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ schemaVersion: 1, id: 'be9c0001', slug: 'inventory-bench', createdAt: now, updatedAt: now, name: 'Inventory', description: '', type: 'fullstack-stateless-app', primary: 'static/index.html', port: null, datasources: [], files: [], provenance: [] }));
    const store = new ArtifactStore({ workspaceDir: () => path.join(tmp, 'ws') });
    const publish = new PublishService({
      artifacts: store, secrets: noSecrets, scrubber: new Scrubber(), vault: { exists: () => false, envFor: () => ({}) },
      settings: () => ({ url: 'http://127.0.0.1:9/', maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' }), env: {},
    });
    const targets = new DeployTargets({ file: path.join(tmp, 'targets.json'), secrets: noSecrets });
    const service = new DeployService({
      source: publish, vault: { envFor: async () => ({}) }, targets, state: new DeploymentState(() => path.join(tmp, 'ws', '.kiln', 'deployments.json')),
      scrub: (t) => t, env: { DOCKER_HOST: engine.host, KILN_DEPLOY_BASE_IMAGE: engine.baseImage },
      onProgress: (p) => {
        if (!(p.phase in marks)) marks[p.phase] = performance.now();
      },
    });
    await service.saveTarget({ kind: 'local', name: 'local', bindAddress: '127.0.0.1' });
    const src = await publish.deploySource('inventory-bench');

    // Warm the build cache (and the page cache) once with each path.
    const port = await freePort();
    const first = performance.now();
    const d = await service.deploy('inventory-bench', 'local', port, 'no');
    const firstMs = performance.now() - first;

    const kiln: number[] = [];
    const kilnHealthy: number[] = [];
    const phases: Record<string, number[]> = {};
    const hand: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Kiln: rebuild from the bundle, start beside the old one, health-check, stop the old.
      for (const key of Object.keys(marks)) delete marks[key];
      let t0 = performance.now();
      await service.redeploy(d.id);
      await healthy(port);
      kiln.push(performance.now() - t0);
      // 'switch' is emitted the moment the new container passed its health check.
      kilnHealthy.push((marks.switch ?? performance.now()) - t0);
      for (const [phase, at] of Object.entries(marks)) (phases[phase] ??= []).push(at - t0);

      // By hand, same context and Dockerfile, same engine: build, run, poll until healthy.
      const handPort = await freePort();
      t0 = performance.now();
      await buildImage(engine.docker, { context: await tarContext(contextEntries(true, src.entries)), tag: `hand/inventory:${i}`, baseImage: engine.baseImage, labels: {}, onLine: () => undefined });
      const c = await engine.docker.createContainer({ Image: `hand/inventory:${i}`, Env: [`PORT=${handPort}`, 'KILN_BIND=127.0.0.1'], HostConfig: { NetworkMode: 'host' } });
      await c.start();
      await healthy(handPort);
      hand.push(performance.now() - t0);
      await c.remove({ force: true });
      await engine.docker.getImage(`hand/inventory:${i}`).remove({ force: true }).catch(() => undefined);
    }
    await service.remove(d.id);

    const k = median(kiln);
    const h = median(hand);
    console.log(`deploy-to-healthy, FastAPI example, warm build cache, median of ${RUNS} (ms); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs`);
    console.log('| path | median | min | max |');
    console.log('|---|---:|---:|---:|');
    const kh = median(kilnHealthy);
    console.log(`| Kiln redeploy, to healthy (review + build + start beside old + health) | ${kh.toFixed(0)} | ${Math.min(...kilnHealthy).toFixed(0)} | ${Math.max(...kilnHealthy).toFixed(0)} |`);
    console.log(`| Kiln redeploy, total (… + stop the old one) | ${k.toFixed(0)} | ${Math.min(...kiln).toFixed(0)} | ${Math.max(...kiln).toFixed(0)} |`);
    console.log(`| by hand via Engine API (build + run + poll /api/health) | ${h.toFixed(0)} | ${Math.min(...hand).toFixed(0)} | ${Math.max(...hand).toFixed(0)} |`);
    console.log(`Kiln to healthy / hand: ${(kh / h).toFixed(2)}x; Kiln total / hand: ${(k / h).toFixed(2)}x; first deploy (warm base, cold context): ${firstMs.toFixed(0)} ms`);
    console.log(`Kiln phases (median ms from start): ${Object.entries(phases).map(([p, xs]) => `${p} ${median(xs).toFixed(0)}`).join(', ')}`);
  } finally {
    await engine.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
