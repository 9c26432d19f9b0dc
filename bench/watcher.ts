/**
 * Artifact watcher start-up cost at 2,000 artifacts × 20 files: CPU time (process.cpuUsage, all
 * threads, so the native walk counts), wall time of `start()`, RSS and JS-heap growth, idle CPU
 * once watching, and the latency from an outside write to the report. The new watcher
 * (`@parcel/watcher`, one native recursive subscription) against the old one (chokidar 5 with the
 * options the old watcher.ts used, `ready` awaited), measured in the same run on the same folder.
 * Each start runs in a fresh Node process so memory growth is not muddled by the other; the two
 * alternate so load drift hits both. Target: ≤ 1 s CPU and ≤ 30 MB extra memory.
 *
 *   node scripts/run-ts.mjs bench/watcher.ts        (BENCH_RUNS=3, BENCH_ARTIFACTS=2000)
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watch } from 'chokidar';
import { ArtifactWatcher } from '../electron/services/artifacts/watcher';

const ARTIFACTS = Number(process.env.BENCH_ARTIFACTS ?? 2000);
const FILES_PER_ARTIFACT = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LATENCY_WRITES = 10;
const QUIET_MS = 150;
const KINDS = ['parcel', 'chokidar'] as const;
type Kind = (typeof KINDS)[number];

interface Sample {
  cpuMs: number;
  wallMs: number;
  rssMb: number;
  heapMb: number;
  idleCpuMsPerS: number;
  latencyMs: number[];
}

/** The same layout as bench/artifact-list.ts: 10 top-level files and 10 in static/, plus the record. */
async function makeWorkspace(count: number): Promise<string> {
  const ws = await fs.mkdtemp(path.join(os.tmpdir(), `kiln-bench-watch-${count}-`));
  const root = path.join(ws, '.anton', 'artifacts');
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `artifact-${i}-${i.toString(16).padStart(8, '0')}`);
    await fs.mkdir(path.join(dir, 'static'), { recursive: true });
    const writes = [fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ schemaVersion: 1, name: `Artifact ${i}` }))];
    for (let f = 0; f < FILES_PER_ARTIFACT; f++) {
      const rel = f < 10 ? `file-${f}.txt` : `static/asset-${f}.js`;
      writes.push(fs.writeFile(path.join(dir, rel), `content ${i} ${f}\n`.repeat(20)));
    }
    await Promise.all(writes);
  }
  return ws;
}

/** Something that can be started, told to expect a report, and stopped. */
interface Candidate {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The old watcher's watch: chokidar over the root, options as in the replaced watcher.ts, 150 ms debounce. */
function chokidarCandidate(root: string, onReport: (slug: string) => void): Candidate {
  const w = watch(root, {
    ignoreInitial: true,
    depth: 8,
    followSymlinks: false,
    ignored: (p: string) => {
      const base = path.basename(p);
      return ['backend.log', '__pycache__', 'node_modules', '.venv', '.git'].includes(base) || /^\..+\.tmp$/.test(base);
    },
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  w.on('all', (_e, p) => {
    const slug = path.relative(root, p).split(path.sep)[0];
    if (!slug) return;
    pending.add(slug);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      for (const s of pending) onReport(s);
      pending.clear();
    }, QUIET_MS);
  });
  return {
    start: () => new Promise<void>((resolve) => w.once('ready', () => resolve())),
    stop: async () => {
      if (timer) clearTimeout(timer);
      await w.close();
    },
  };
}

/** The new watcher over a store stand-in that only records: the store's own reconcile cost is not the watcher's. */
function parcelCandidate(root: string, onReport: (slug: string) => void): Candidate {
  const watcher = new ArtifactWatcher(
    {
      root: () => root,
      setWatchedRoot: () => undefined,
      isOwnChange: () => false,
      applyOutsideChange: async (slug) => onReport(slug),
    },
    { quietMs: QUIET_MS },
  );
  return { start: () => watcher.start(), stop: () => watcher.stop() };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const mb = (bytes: number): number => bytes / (1024 * 1024);

/** In a fresh process: start one watcher on `ws`, measure, write from outside, print one JSON line. */
async function child(kind: Kind, ws: string): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const root = path.join(ws, '.anton', 'artifacts');
  const reports: { slug: string; at: number }[] = [];
  const onReport = (slug: string) => reports.push({ slug, at: performance.now() });
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const candidate = kind === 'parcel' ? parcelCandidate(root, onReport) : chokidarCandidate(root, onReport);
  await candidate.start();
  const wallMs = performance.now() - t0;
  const startCpuMs = cpuMs(process.cpuUsage(cpu0));
  gc();
  const rssMb = mb(process.memoryUsage().rss - rss0);
  const heapMb = mb(process.memoryUsage().heapUsed - heap0);

  const idle0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 1000));
  const idleCpuMsPerS = cpuMs(process.cpuUsage(idle0));

  const latencyMs: number[] = [];
  for (let i = 0; i < LATENCY_WRITES; i++) {
    const slug = `artifact-${i * 7}-${(i * 7).toString(16).padStart(8, '0')}`;
    const before = reports.length;
    const at = performance.now();
    await fs.writeFile(path.join(root, slug, `outside-${i}.md`), 'edited outside');
    while (!reports.slice(before).some((r) => r.slug === slug)) {
      if (performance.now() - at > 5000) throw new Error(`${kind}: no report for ${slug} within 5 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    latencyMs.push(reports.slice(before).find((r) => r.slug === slug)!.at - at);
    await fs.rm(path.join(root, slug, `outside-${i}.md`));
    await new Promise((r) => setTimeout(r, QUIET_MS * 2)); // let the removal's report pass
  }
  await candidate.stop();
  const sample: Sample = { cpuMs: startCpuMs, wallMs, rssMb, heapMb, idleCpuMsPerS, latencyMs };
  console.log(JSON.stringify(sample));
}

function runChild(kind: Kind, ws: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, ws], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${kind} child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as Sample);
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const t0 = performance.now();
  const ws = await makeWorkspace(ARTIFACTS);
  console.log(`made ${ARTIFACTS} artifacts × ${FILES_PER_ARTIFACT} files (+ metadata.json) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const samples: Record<Kind, Sample[]> = { parcel: [], chokidar: [] };
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const kind of r % 2 ? [...KINDS].reverse() : KINDS) samples[kind].push(await runChild(kind, ws));
    }
  } finally {
    await fs.rm(ws, { recursive: true, force: true });
  }
  const row = (kind: Kind, label: string) => {
    const s = samples[kind];
    const m = (f: (x: Sample) => number) => median(s.map(f));
    const range = (f: (x: Sample) => number) => `${Math.min(...s.map(f)).toFixed(0)}–${Math.max(...s.map(f)).toFixed(0)}`;
    const lat = s.flatMap((x) => x.latencyMs);
    return `| ${label} | ${m((x) => x.cpuMs).toFixed(0)} (${range((x) => x.cpuMs)}) | ${m((x) => x.wallMs).toFixed(0)} (${range((x) => x.wallMs)}) | ${m((x) => x.rssMb).toFixed(1)} | ${m((x) => x.heapMb).toFixed(1)} | ${m((x) => x.idleCpuMsPerS).toFixed(1)} | ${median(lat).toFixed(0)} / ${Math.max(...lat).toFixed(0)} |`;
  };
  const ratio = (f: (x: Sample) => number) => (median(samples.chokidar.map(f)) / median(samples.parcel.map(f))).toFixed(1);
  const newCpu = median(samples.parcel.map((x) => x.cpuMs));
  const newRss = median(samples.parcel.map((x) => x.rssMb));
  console.log(`\nwatcher start, ${ARTIFACTS} artifacts × ${FILES_PER_ARTIFACT} files, median of ${RUNS} fresh processes (min–max); latency over ${RUNS * LATENCY_WRITES} writes, quiet period ${QUIET_MS} ms`);
  console.log('| watcher | start CPU ms | start wall ms | RSS growth MB | JS heap growth MB | idle CPU ms/s | write → report ms (median / max) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(row('chokidar', 'old: chokidar 5 (baseline)'));
  console.log(row('parcel', 'new: @parcel/watcher'));
  console.log(`\nold / new: CPU ${ratio((x) => x.cpuMs)}x, wall ${ratio((x) => x.wallMs)}x, RSS ${ratio((x) => x.rssMb)}x`);
  console.log(`target ≤ 1000 ms CPU: ${newCpu <= 1000 ? 'met' : 'NOT met'} (${newCpu.toFixed(0)} ms); ≤ 30 MB: ${newRss <= 30 ? 'met' : 'NOT met'} (${newRss.toFixed(1)} MB)`);
}

if (process.argv[2] === '--child') await child(process.argv[3] as Kind, process.argv[4]!);
else await main();
