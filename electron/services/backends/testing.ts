import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendStatus } from '../../../shared/contract/backends';
import { PythonService, type PythonSettings } from '../python/python-service';
import { ArtifactStore } from '../artifacts/store';
import { BackendSupervisor } from './supervisor';
import type { BackendLimits, SupervisorOptions } from './supervisor-options';

/** Test and benchmark support: real folders, real Python, no mocks. Not used by the app. */
export const FIXTURES = path.resolve('e2e/fixtures/backends');
export const SYSTEM_PYTHON = '/usr/bin/python3';

export async function makeWorkspace(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'kiln-backends-'));
}

export function artifactsRoot(ws: string): string {
  return path.join(ws, '.anton', 'artifacts');
}

/** Copies a fixture artifact into the workspace under `slug`, with optional mode and datasources. */
export async function addArtifact(
  ws: string,
  fixture: string,
  slug: string,
  opts: { mode?: string; datasources?: { engine: string; name: string }[]; requirements?: string } = {},
): Promise<string> {
  const dir = path.join(artifactsRoot(ws), slug);
  await fs.cp(path.join(FIXTURES, fixture), dir, { recursive: true });
  const meta = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  meta.slug = slug;
  if (opts.datasources) meta.datasources = opts.datasources;
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(meta, null, 2));
  if (opts.mode) await fs.writeFile(path.join(dir, 'mode.txt'), opts.mode);
  if (opts.requirements !== undefined) await fs.writeFile(path.join(dir, 'requirements.txt'), opts.requirements);
  return dir;
}

export const testPythonSettings = (over: Partial<PythonSettings> = {}): PythonSettings => ({
  interpreter: SYSTEM_PYTHON,
  systemSitePackages: true,
  pipArgs: ['--no-index', '--no-deps', '--retries', '0', '--timeout', '3'],
  installTimeoutSec: 120,
  ...over,
});

/** The environment Kiln would have, minus this machine's pip mirrors. */
export function testHostEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', PIP_CONFIG_FILE: '/dev/null', ...extra };
}

export interface Recorded {
  states: BackendStatus[];
  logs: string[];
  progress: string[];
}

export function createTestSupervisor(
  ws: string,
  opts: {
    python?: Partial<PythonSettings>;
    limits?: Partial<BackendLimits>;
    hostEnv?: NodeJS.ProcessEnv;
    envFor?: SupervisorOptions['envFor'];
    scrub?: (t: string) => string;
    now?: () => number;
    idleCheckMs?: number;
    notices?: string[];
    sandbox?: SupervisorOptions['sandbox'];
    grants?: SupervisorOptions['grants'];
    spares?: SupervisorOptions['spares'];
    spareDelayMs?: number;
  } = {},
): { supervisor: BackendSupervisor; python: PythonService; artifacts: ArtifactStore; recorded: Recorded } {
  const hostEnv = opts.hostEnv ?? testHostEnv();
  const python = new PythonService({ settings: () => testPythonSettings(opts.python), workspaceDir: () => ws, env: hostEnv });
  // The real store over the temp workspace: the same folder lookup and record writes as the app.
  const artifacts = new ArtifactStore({ workspaceDir: () => ws });
  const recorded: Recorded = { states: [], logs: [], progress: [] };
  const limits: BackendLimits = { readyTimeoutSec: 20, maxRunning: 8, idleStopMinutes: 30, ...opts.limits };
  const supervisor = new BackendSupervisor({
    artifacts,
    python,
    events: {
      emit: (name: string, payload: unknown) => {
        if (name === 'backends.state') recorded.states.push(payload as BackendStatus);
        if (name === 'backends.log') recorded.logs.push(...(payload as { lines: string[] }).lines);
        if (name === 'backends.progress') recorded.progress.push(...(payload as { lines: string[] }).lines);
      },
    },
    limits: () => limits,
    envFor: opts.envFor ?? (() => ({})),
    scrub: opts.scrub ?? ((t) => t),
    stateDir: () => path.join(ws, '.kiln', 'state'),
    hostEnv,
    previewUrl: async (slug) => `http://${slug}.localhost:1/`,
    notify: (_level, message) => opts.notices?.push(message),
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    ...(opts.grants ? { grants: opts.grants } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.idleCheckMs ? { idleCheckMs: opts.idleCheckMs } : {}),
    ...(opts.spares ? { spares: opts.spares } : {}),
    ...(opts.spareDelayMs !== undefined ? { spareDelayMs: opts.spareDelayMs } : {}),
  });
  return { supervisor, python, artifacts, recorded };
}

export async function getJson(port: number, urlPath: string): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${port}${urlPath}`);
  return r.json();
}

/** A process is alive when it exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until `check` holds (polling), failing after `ms` with `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
