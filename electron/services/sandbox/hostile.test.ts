import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonScratchpads } from '../agent/python-scratchpad';
import { addArtifact, createTestSupervisor, makeWorkspace, testHostEnv, SYSTEM_PYTHON } from '../backends/testing';
import type { BackendSupervisor } from '../backends/supervisor';
import type { PythonService } from '../python/python-service';
import { AppSandbox } from './app-sandbox';
import type { IsolationMode } from './types';
import { KeychainSecretStore } from '../vault/secret-store';

/**
 * Model-written code trying what a hostile backend or `run_python` would try (probes.py in
 * e2e/fixtures/backends/hostile-app). Each attempt is made twice: with "Isolate apps" off,
 * where it must get through (so the probe itself works and this test can fail), and under
 * the sandbox, where it must not. The figures are printed for docs/security.md.
 */
interface Attempt {
  attempt: string;
  gotThrough: boolean;
  detail: string;
}

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
const marker = `kiln-sbx-${randomBytes(6).toString('hex')}`;
const envMarker = `VICTIM_SECRET=${marker}`;
const keychainService = `kiln-sandbox-test-${marker}`;

let ws: string;
let userData: string;
let victim: ReturnType<typeof execa> | null = null;
const supervisors: BackendSupervisor[] = [];

async function writeTargets(dir: string): Promise<void> {
  const targets = {
    secretMarker: marker,
    envMarker,
    victimPid: victim!.pid,
    hostPid: process.pid,
    hostMarker: 'PATH=',
    userDataFile: path.join(userData, 'settings.json'),
    datasourcesFile: path.join(ws, '.kiln', 'datasources.json'),
    otherArtifactFile: path.join(ws, '.anton', 'artifacts', 'other', 'index.html'),
    homeDir: os.homedir(),
  };
  await fs.writeFile(path.join(dir, 'targets.json'), JSON.stringify(targets));
}

function sandboxFor(mode: IsolationMode): AppSandbox {
  return new AppSandbox({ mode: () => mode, stateDir: () => path.join(ws, '.kiln', 'state'), env: testHostEnv() });
}

async function hostileBackend(slug: string, mode: IsolationMode): Promise<{ results: Attempt[]; log: string; metadata: string }> {
  const dir = await addArtifact(ws, 'hostile-app', slug);
  await writeTargets(dir);
  const sandbox = sandboxFor(mode);
  const { supervisor } = createTestSupervisor(ws, { sandbox });
  supervisors.push(supervisor);
  const status = await supervisor.launch(slug);
  expect(status.state).toBe('running');
  const results = (await (await fetch(`http://127.0.0.1:${status.port!}/`)).json()) as Attempt[];
  await supervisor.stop(slug);
  return { results, log: await fs.readFile(path.join(dir, 'backend.log'), 'utf8'), metadata: await fs.readFile(path.join(dir, 'metadata.json'), 'utf8') };
}

async function hostileRunPython(slug: string, mode: IsolationMode, python: PythonService): Promise<Attempt[]> {
  const dir = await addArtifact(ws, 'hostile-app', slug);
  await writeTargets(dir);
  const venvPython = (await python.ensureVenv(slug)).python;
  const pads = new PythonScratchpads({ hostEnv: testHostEnv(), sandbox: sandboxFor(mode) });
  try {
    const r = await pads.run(slug, 'import json, probes\nprint(json.dumps(probes.run_all()))', {
      start: async () => ({ interpreter: venvPython, cwd: dir, dsEnv: {}, declared: [] }),
      timeoutMs: 60_000,
      signal: new AbortController().signal,
    });
    expect(r.ok, r.stderr).toBe(true);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Attempt[];
  } finally {
    pads.stopAll();
  }
}

function summary(label: string, results: Attempt[]): void {
  const through = results.filter((r) => r.gotThrough);
  process.stdout.write(`[sandbox figures] ${label}: ${results.length} attempts, ${through.length} got through${through.length ? ` (${through.map((r) => r.attempt).join(', ')})` : ''}\n`);
  for (const r of results) process.stdout.write(`   ${r.gotThrough ? 'THROUGH' : 'refused'}  ${r.attempt}: ${r.detail}\n`);
}

describe.runIf(process.platform === 'linux')('hostile model-written code under the sandbox (real bwrap, real keychain)', () => {
  beforeAll(async () => {
    ws = await makeWorkspace();
    userData = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-userdata-'));
    await fs.writeFile(path.join(userData, 'settings.json'), '{"provider":{}}');
    await fs.mkdir(path.join(ws, '.kiln'), { recursive: true });
    await fs.writeFile(path.join(ws, '.kiln', 'datasources.json'), '{"datasources":[]}');
    await addArtifact(ws, 'stdlib-app', 'other');
    await fs.writeFile(path.join(ws, '.anton', 'artifacts', 'other', 'index.html'), '<p>other artifact</p>');
    // Another backend, with a secret in its environment.
    victim = execa(SYSTEM_PYTHON, ['-c', 'import time; time.sleep(120)'], { env: { VICTIM_SECRET: marker }, extendEnv: false, stdin: 'ignore' });
    victim.catch(() => undefined);
    if (hasBus) await new KeychainSecretStore({ keychainService }).set('model-key', marker);
  }, 60_000);

  afterAll(async () => {
    for (const s of supervisors) await s.stopAll();
    victim?.kill('SIGKILL');
    if (hasBus) await new KeychainSecretStore({ keychainService }).delete('model-key').catch(() => false);
    await fs.rm(ws, { recursive: true, force: true });
    await fs.rm(userData, { recursive: true, force: true });
  });

  it('bwrap is available on this machine (CI installs it with setup-debian.sh)', async () => {
    const status = await sandboxFor('prefer').status();
    expect(status).toMatchObject({ available: true, tool: 'bwrap', isolated: true, mode: 'prefer' });
  });

  it('a hostile backend: every attempt gets through with isolation off, none under the sandbox', async () => {
    const open = await hostileBackend('hostile-open', 'off');
    summary('backend, isolation off', open.results);
    const through = new Set(open.results.filter((r) => r.gotThrough).map((r) => r.attempt));
    for (const a of ['another backend\'s environment', 'host\'s /proc environ', 'user-data folder (settings.json)', 'workspace datasources.json', 'another artifact\'s file', 'own metadata.json: add a datasource']) {
      expect(through, a).toContain(a);
    }
    if (hasBus) expect(through).toContain('keychain over D-Bus');
    expect(open.log).toContain('Apps are not isolated');

    const boxed = await hostileBackend('hostile-boxed', 'prefer');
    summary('backend, sandboxed', boxed.results);
    expect(boxed.results.length).toBe(open.results.length);
    expect(boxed.results.filter((r) => r.gotThrough)).toEqual([]);
    expect(boxed.log).toContain('Isolated with bubblewrap');
    expect(JSON.parse(boxed.metadata).datasources).toEqual([]);
  }, 120_000);

  it('a hostile run_python: the same attempts all fail in the sandboxed scratchpad', async () => {
    const { python } = createTestSupervisor(ws);
    const open = await hostileRunPython('pad-open', 'off', python);
    summary('run_python, isolation off', open);
    expect(open.filter((r) => r.gotThrough).length).toBeGreaterThanOrEqual(6);
    const boxed = await hostileRunPython('pad-boxed', 'prefer', python);
    summary('run_python, sandboxed', boxed);
    expect(boxed.length).toBe(open.length);
    expect(boxed.filter((r) => r.gotThrough)).toEqual([]);
  }, 120_000);
});
