// Cold launch of a new fullstack app (a workspace Kiln has never launched it in: no venv),
// through Kiln's supervisor, against doing the same by hand, all in one run:
// - bare: `python backend.py --port N` from a ready venv, first HTTP answer polled every 20 ms;
// - by hand, anton's way: `python -m venv --without-pip --system-site-packages`, then
//   `<venv>/bin/python -m pip install <pip args> -r requirements.txt`, then the bare start;
// - by hand, the textbook way: `python -m venv --system-site-packages` (with pip), then
//   `<venv>/bin/pip install …`, then the bare start.
// Kiln is measured with requirements the interpreter already satisfies (fastapi, uvicorn from
// Debian: pip skipped), and with the example's requirements (mangum needs a wheel: pip runs),
// with and without the venv pre-created when requirements.txt was written.
// Run: node scripts/run-ts.mjs bench/cold-launch.ts   (BENCH_RUNS=5 by default)
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import getPort from 'get-port';
import { createTestSupervisor, makeWorkspace } from '../electron/services/backends/testing';
import { childEnv } from '../electron/services/process/child-env';
import { median } from './fixtures/stats';
import { answersHttp } from './fixtures/http-answer';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SLUG = 'inventory';
const PY = '/usr/bin/python3';

async function setup(ws: string, requirements: string): Promise<string> {
  const dir = path.join(ws, '.anton', 'artifacts', SLUG);
  await fs.cp(path.resolve('resources/examples/inventory-app'), dir, { recursive: true });
  const meta = JSON.parse(await fs.readFile(path.join(dir, 'kiln-example.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ schemaVersion: 1, id: 'c01d0001', slug: SLUG, ...meta, port: null, datasources: [], createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z' }, null, 2));
  await fs.writeFile(path.join(dir, 'requirements.txt'), requirements);
  return dir;
}

const env = (): Record<string, string> => childEnv({ host: { ...process.env, HOME: os.tmpdir(), PIP_CONFIG_FILE: '/dev/null' }, python: true, inherit: ['pip'] });

/** Starts backend.py with `python`, resolves with ms to the first HTTP answer, then kills it. */
async function bareStart(python: string, dir: string): Promise<number> {
  const port = await getPort({ host: '127.0.0.1' });
  const t0 = performance.now();
  const p = spawn(python, ['backend.py', '--port', String(port)], { cwd: dir, stdio: 'ignore', detached: true, env: env() });
  while (!(await answersHttp(port))) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - t0;
  process.kill(-p.pid!, 'SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return ms;
}

async function byHand(dir: string, venv: string, withPip: boolean, pipArgs: string[]): Promise<number> {
  const t0 = performance.now();
  await execa(PY, ['-m', 'venv', ...(withPip ? [] : ['--without-pip']), '--system-site-packages', venv], { env: env() });
  await execa(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', ...pipArgs, '-r', 'requirements.txt'], { cwd: dir, env: env() });
  const prep = performance.now() - t0;
  return prep + (await bareStart(path.join(venv, 'bin', 'python'), dir));
}

async function kiln(ws: string, pipArgs: string[], precreate: boolean): Promise<{ ms: number; via: string }> {
  const { supervisor, python, recorded } = createTestSupervisor(ws, { python: { pipArgs } });
  if (precreate) await python.ensureVenv(SLUG);
  const t0 = performance.now();
  await supervisor.launch(SLUG);
  const ms = performance.now() - t0;
  await supervisor.stopAll();
  const via = recorded.progress.find((l) => /^Requirements: (all|installed|unchanged)/.test(l)) ?? '?';
  return { ms, via: via.replace(/ in \d+ ms\.$/, '').replace(/\(.*\)/, '(…)') };
}

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bench-cold-'));
  const wheels = path.join(tmp, 'wheels');
  execFileSync(PY, ['e2e/fixtures/backends/make-stub-wheel.py', wheels]);
  const pipArgs = ['--no-index', '--no-deps', '--find-links', wheels];
  const satisfied = 'fastapi\nuvicorn\n';
  const example = 'fastapi\nmangum\nuvicorn\n';
  const rows: Record<string, number[]> = {};
  const vias: Record<string, string> = {};
  const add = (k: string, v: number): void => void (rows[k] ??= []).push(v);
  const workspaces: string[] = [];
  const fresh = async (req: string): Promise<{ ws: string; dir: string }> => {
    const ws = await makeWorkspace();
    workspaces.push(ws);
    return { ws, dir: await setup(ws, req) };
  };
  for (let i = 0; i < RUNS; i++) {
    // Alternate every case in each round, so load drift hits all alike.
    const b = await fresh(example);
    await byHand(b.dir, path.join(b.ws, 'venv-ready'), false, pipArgs);
    add('bare', await bareStart(path.join(b.ws, 'venv-ready', 'bin', 'python'), b.dir));
    const h1 = await fresh(example);
    add('hand-anton', await byHand(h1.dir, path.join(h1.ws, 'venv'), false, pipArgs));
    const h2 = await fresh(example);
    add('hand-pip', await byHand(h2.dir, path.join(h2.ws, 'venv'), true, pipArgs));
    for (const [key, req, pre] of [['kiln-satisfied', satisfied, false], ['kiln-pip', example, false], ['kiln-pip-precreated', example, true]] as const) {
      const k = await fresh(req);
      const r = await kiln(k.ws, pipArgs, pre);
      add(key, r.ms);
      vias[key] = r.via;
    }
    for (const w of workspaces.splice(0)) await fs.rm(w, { recursive: true, force: true });
  }
  await fs.rm(tmp, { recursive: true, force: true });

  const bare = median(rows.bare!);
  const over = (k: string): number => median(rows[k]!) - bare;
  const f = (x: number): string => x.toFixed(0);
  console.log(`cold launch to first answer, FastAPI example, median of ${RUNS}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('| case | median ms | min | max | over bare | note |');
  console.log('|---|---:|---:|---:|---:|---|');
  const label: Record<string, string> = {
    bare: 'bare `python backend.py --port N`, venv ready (baseline)',
    'hand-anton': 'by hand, anton\'s way: pip-less venv + venv python -m pip install + bare start',
    'hand-pip': 'by hand: python -m venv (with pip) + pip install + bare start',
    'kiln-satisfied': 'Kiln cold, requirements already satisfied (fastapi, uvicorn)',
    'kiln-pip': 'Kiln cold, example requirements (mangum needs pip)',
    'kiln-pip-precreated': 'Kiln cold, example requirements, venv pre-created on requirements.txt write',
  };
  for (const k of Object.keys(label)) {
    const xs = rows[k]!;
    console.log(`| ${label[k]} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} | +${f(over(k))} | ${vias[k] ?? ''} |`);
  }
  console.log('');
  console.log(`target 1: satisfied cold launch ≤ bare + 400 ms → +${f(over('kiln-satisfied'))} ms: ${over('kiln-satisfied') <= 400 ? 'met' : 'NOT met'}`);
  for (const k of ['kiln-pip', 'kiln-pip-precreated']) {
    const r = over(k) / over('hand-anton');
    console.log(`target 2: ${k} cost ≤ 0.8 × anton's way (pip-less venv + pip) → ${r.toFixed(2)}× (${f(over(k))} vs ${f(over('hand-anton'))} ms): ${r <= 0.8 ? 'met' : 'NOT met'}; vs textbook venv+pip ${(over(k) / over('hand-pip')).toFixed(2)}×`);
  }
}

await main();
