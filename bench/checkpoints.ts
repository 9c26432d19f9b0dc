/**
 * Checkpoints (issue 12): time to checkpoint a 20-file artifact with one changed file, a
 * 200-file 50 MB artifact (first checkpoint and one changed file), to restore 20 files, and to
 * list 500 checkpoints (cold: a fresh service reads the repository; warm: cached). Baseline in
 * the same run: the same checkpoint without the stat cache (every file read and hashed again,
 * what a naive "hash the folder" snapshot does). Targets: 20 files ≤ 30 ms p50; 200 files /
 * 50 MB ≤ 500 ms; restore of 20 files ≤ 200 ms; list of 500 ≤ 50 ms.
 *
 *   node scripts/run-ts.mjs bench/checkpoints.ts
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ArtifactStore } from '../electron/services/artifacts/store';
import { HistoryService } from '../electron/services/history/history-service';
import { historyStorePort } from '../electron/services/history/wiring';

const RUNS = 21;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const p90 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9)]!;
};

async function setup(name: string) {
  const ws = await fs.mkdtemp(path.join(os.tmpdir(), `kiln-bench-cp-${name}-`));
  const store = new ArtifactStore({ workspaceDir: () => ws });
  await fs.mkdir(store.root(), { recursive: true });
  const history = new HistoryService({
    store: historyStorePort(store),
    backends: { status: () => ({ state: 'stopped' }), restart: async () => undefined },
    limits: () => ({ retentionDays: 30, keepLast: 10_000, maxMB: 100_000 }),
  });
  const record = await store.create({ name, type: 'html-app', primary: 'index.html' });
  const dir = await store.dir(record.slug);
  return { ws, store, history, slug: record.slug, dir, id: record.id };
}

/** `count` files of about `bytes` each: half text (compressible), half random (not). */
async function fill(dir: string, count: number, bytes: number): Promise<string[]> {
  const rels: string[] = [];
  for (let i = 0; i < count; i++) {
    const rel = i % 4 === 0 ? `file-${i}.txt` : `static/part-${i % 7}/asset-${i}.${i % 2 ? 'bin' : 'js'}`;
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    const data = i % 2 ? randomBytes(bytes) : Buffer.from(`const line${i} = ${'"x'.repeat(8)}";\n`.repeat(Math.max(1, Math.floor(bytes / 30))));
    await fs.writeFile(path.join(dir, rel), data);
    rels.push(rel);
  }
  return rels;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Checkpoints after changing one file, `runs` times; `naive` drops the stat cache first. */
async function oneChanged(s: Awaited<ReturnType<typeof setup>>, rel: string, runs: number, naive: boolean): Promise<number[]> {
  const times: number[] = [];
  const statFile = path.join(s.ws, '.kiln', 'history', `${s.id}.git`, 'kiln-stat.json');
  for (let i = 0; i < runs; i++) {
    await fs.appendFile(path.join(s.dir, rel), `// change ${naive ? 'n' : 'c'}${i}\n`);
    if (naive) {
      await fs.rm(statFile, { force: true });
      // A fresh service: nothing cached in memory either.
      const fresh = new HistoryService({
        store: historyStorePort(s.store),
        backends: { status: () => ({ state: 'stopped' }), restart: async () => undefined },
        limits: () => ({ retentionDays: 30, keepLast: 10_000, maxMB: 100_000 }),
      });
      times.push(await timed(() => fresh.checkpoint(s.slug, { by: 'agent' })));
    } else {
      times.push(await timed(() => s.history.checkpoint(s.slug, { by: 'agent' })));
    }
  }
  return times;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const fmt = (n: number): string => n.toFixed(1);

  // 20 files, one changed.
  const small = await setup('small');
  const smallFiles = await fill(small.dir, 20, 2_000);
  const smallFirst = await timed(() => small.history.checkpoint(small.slug, { by: 'agent' }));
  const smallWarm = await oneChanged(small, smallFiles[0]!, RUNS, false);
  const smallNaive = await oneChanged(small, smallFiles[0]!, 7, true);
  rows.push(`| 20 files, 40 KB: first checkpoint | ${fmt(smallFirst)} | | | | |`);
  rows.push(`| 20 files, 40 KB: one file changed | ${fmt(median(smallWarm))} | ${fmt(p90(smallWarm))} | ${fmt(median(smallNaive))} | ${(median(smallNaive) / median(smallWarm)).toFixed(1)}x | ≤ 30 ms: ${median(smallWarm) <= 30 ? 'yes' : 'no'} |`);

  // Restore of 20 files: every file differs between the two checkpoints.
  const a = (await small.history.list(small.slug)).checkpoints[0]!.id;
  for (const rel of smallFiles) await fs.appendFile(path.join(small.dir, rel), '// all changed\n');
  const b = (await small.history.checkpoint(small.slug, { by: 'agent' }))!.id;
  const restores: number[] = [];
  for (let i = 0; i < 11; i++) restores.push(await timed(() => small.history.restore(small.slug, i % 2 ? b : a, { by: 'user' })));
  rows.push(`| restore: 20 files differ (incl. the two checkpoints it takes) | ${fmt(median(restores))} | ${fmt(p90(restores))} | | | ≤ 200 ms: ${median(restores) <= 200 ? 'yes' : 'no'} |`);

  // List of 500 checkpoints.
  const list = await setup('list');
  await fill(list.dir, 5, 500);
  for (let i = 0; i < 500; i++) {
    await fs.writeFile(path.join(list.dir, 'file-0.txt'), `version ${i}\n`);
    await list.history.checkpoint(list.slug, { by: 'agent', turnId: `t-${i}` });
  }
  const coldList: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new HistoryService({
      store: historyStorePort(list.store),
      backends: { status: () => ({ state: 'stopped' }), restart: async () => undefined },
    });
    coldList.push(await timed(() => fresh.list(list.slug)));
  }
  const warmList: number[] = [];
  for (let i = 0; i < RUNS; i++) warmList.push(await timed(() => list.history.list(list.slug)));
  const count = (await list.history.list(list.slug)).checkpoints.length;
  rows.push(`| History list of ${count} checkpoints, cold (fresh service) | ${fmt(median(coldList))} | ${fmt(p90(coldList))} | | | ≤ 50 ms: ${median(coldList) <= 50 ? 'yes' : 'no'} |`);
  rows.push(`| History list of ${count} checkpoints, warm (cached) | ${fmt(median(warmList))} | ${fmt(p90(warmList))} | ${fmt(median(coldList))} | ${(median(coldList) / median(warmList)).toFixed(1)}x | ≤ 50 ms: ${median(warmList) <= 50 ? 'yes' : 'no'} |`);

  // 200 files, 50 MB.
  const big = await setup('big');
  const bigFiles = await fill(big.dir, 200, 250_000);
  const bigFirst = await timed(() => big.history.checkpoint(big.slug, { by: 'agent' }));
  const bigWarm = await oneChanged(big, bigFiles[0]!, 11, false);
  const bigNaive = await oneChanged(big, bigFiles[0]!, 3, true);
  rows.push(`| 200 files, 50 MB: first checkpoint (every blob written) | ${fmt(bigFirst)} | | | | ≤ 500 ms: ${bigFirst <= 500 ? 'yes' : 'no'} |`);
  rows.push(`| 200 files, 50 MB: one file changed | ${fmt(median(bigWarm))} | ${fmt(p90(bigWarm))} | ${fmt(median(bigNaive))} | ${(median(bigNaive) / median(bigWarm)).toFixed(1)}x | ≤ 500 ms: ${median(bigWarm) <= 500 ? 'yes' : 'no'} |`);

  console.log(`load average: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  console.log('| case | p50 ms | p90 ms | baseline p50 ms (no stat cache / cold) | baseline / Kiln | target |');
  console.log('|---|---:|---:|---:|---:|:---|');
  for (const r of rows) console.log(r);
  for (const s of [small, list, big]) await fs.rm(s.ws, { recursive: true, force: true });
}

void main();
