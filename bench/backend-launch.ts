// Launch-to-ready of the FastAPI example (resources/examples/inventory-app) through Kiln's
// supervisor — cold (new venv + pip), warm (venv ready, requirements unchanged, fresh Kiln
// process) and warm after Kiln itself was SIGKILLed — against a bare
// `python backend.py --port N` polled every 20 ms, all measured in the same run.
// Run: node scripts/run-ts.mjs bench/backend-launch.ts
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { createTestSupervisor, makeWorkspace } from '../electron/services/backends/testing';
import { childEnv } from '../electron/services/process/child-env';
import { venvDirFor, venvPythonIn } from '../electron/services/python/interpreter';
import { median } from './fixtures/stats';
import { answersHttp } from './fixtures/http-answer';

const SLUG = 'inventory';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const SELF = 'bench/backend-launch.ts';

function pipArgs(wheels: string): string[] {
  return ['--no-index', '--no-deps', '--find-links', wheels];
}

async function setup(ws: string): Promise<void> {
  const dir = path.join(ws, '.anton', 'artifacts', SLUG);
  await fs.cp(path.resolve('resources/examples/inventory-app'), dir, { recursive: true });
  const meta = JSON.parse(await fs.readFile(path.join(dir, 'kiln-example.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ schemaVersion: 1, id: 'be9c0001', slug: SLUG, ...meta, port: null, datasources: [], createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z' }, null, 2));
}

/** In a child process ("a fresh Kiln"): reap orphans, launch, print timings as JSON. */
async function child(ws: string, wheels: string, mode: 'stop' | 'hang'): Promise<void> {
  const { supervisor, recorded } = createTestSupervisor(ws, { python: { pipArgs: pipArgs(wheels) } });
  const r0 = performance.now();
  const reaped = await supervisor.reapOrphans();
  const reapMs = performance.now() - r0;
  const t0 = performance.now();
  const status = await supervisor.launch(SLUG);
  const launchMs = performance.now() - t0;
  const pipRan = recorded.progress.some((l) => l.startsWith('$ pip install'));
  process.stdout.write(`${JSON.stringify({ launchMs, reapMs, reaped: reaped.length, pipRan, port: status.port })}\n`);
  if (mode === 'stop') {
    await supervisor.stopAll();
    process.exit(0);
  }
  setInterval(() => undefined, 60_000); // wait to be SIGKILLed, leaving the backend orphaned
}

interface ChildResult {
  launchMs: number;
  reapMs: number;
  reaped: number;
  pipRan: boolean;
  port: number;
}

function runChild(ws: string, wheels: string, mode: 'stop' | 'hang'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['scripts/run-ts.mjs', SELF, '--child', ws, wheels, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const result = JSON.parse(line) as ChildResult;
      if (mode === 'hang') {
        c.kill('SIGKILL');
        c.once('exit', () => resolve(result));
      } else {
        c.once('exit', () => resolve(result));
      }
    });
    c.once('error', reject);
  });
}

/** The baseline: the venv's python, `backend.py --port N`, first HTTP answer polled every 20 ms. */
async function bare(ws: string): Promise<number> {
  const dir = path.join(ws, '.anton', 'artifacts', SLUG);
  const python = venvPythonIn(venvDirFor(ws, SLUG));
  const port = await getPort({ host: '127.0.0.1' });
  const t0 = performance.now();
  const p = spawn(python, ['backend.py', '--port', String(port)], { cwd: dir, stdio: 'ignore', detached: true, env: childEnv({ host: { ...process.env, HOME: os.tmpdir() }, python: true }) });
  for (;;) {
    if (await answersHttp(port)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  process.kill(-p.pid!, 'SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return ms;
}

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bench-'));
  const wheels = path.join(tmp, 'wheels');
  execFileSync('/usr/bin/python3', ['e2e/fixtures/backends/make-stub-wheel.py', wheels]);
  const cold: number[] = [];
  const coldPip: boolean[] = [];
  let ws = '';
  const workspaces: string[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    ws = await makeWorkspace();
    workspaces.push(ws);
    await setup(ws);
    const r = await runChild(ws, wheels, 'stop');
    cold.push(r.launchMs);
    coldPip.push(r.pipRan);
  }
  // `ws` now holds a ready venv; alternate bare and warm runs so drift hits both alike.
  const bareMs: number[] = [];
  const warm: number[] = [];
  const warmPip: boolean[] = [];
  const afterKill: number[] = [];
  const afterKillPip: boolean[] = [];
  const reapMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bareMs.push(await bare(ws));
    const w = await runChild(ws, wheels, 'stop');
    warm.push(w.launchMs);
    warmPip.push(w.pipRan);
    await runChild(ws, wheels, 'hang'); // Kiln SIGKILLed with its backend running
    const k = await runChild(ws, wheels, 'stop');
    if (k.reaped !== 1) throw new Error('the orphan was not reaped');
    afterKill.push(k.launchMs);
    afterKillPip.push(k.pipRan);
    reapMs.push(k.reapMs);
  }
  const f = (x: number): string => x.toFixed(0);
  const b = median(bareMs);
  const rows: [string, number[], string][] = [
    ['bare `python backend.py --port N` (baseline)', bareMs, '—'],
    ['Kiln cold (new venv + pip)', cold, `pip ran: ${coldPip.every(Boolean) ? 'yes' : 'no'}`],
    ['Kiln warm (fresh Kiln process)', warm, `pip ran: ${warmPip.some(Boolean) ? 'YES' : 'no'}`],
    ['Kiln warm after Kiln was SIGKILLed', afterKill, `pip ran: ${afterKillPip.some(Boolean) ? 'YES' : 'no'}; orphan reaped first in median ${f(median(reapMs))} ms`],
  ];
  console.log(`backend launch-to-ready, FastAPI example, median of ${RUNS} (cold: ${COLD_RUNS})`);
  console.log('| case | median ms | min | max | vs bare | note |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [name, xs, note] of rows) {
    const m = median(xs);
    console.log(`| ${name} | ${f(m)} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} | ${(m / b).toFixed(2)}x (${m - b >= 0 ? '+' : ''}${f(m - b)} ms) | ${note} |`);
  }
  for (const w of [tmp, ...workspaces]) await fs.rm(w, { recursive: true, force: true });
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1]!, args[2]!, args[3] as 'stop' | 'hang');
} else {
  await main();
}
