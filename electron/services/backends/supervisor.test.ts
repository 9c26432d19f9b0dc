import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addArtifact, alive, createTestSupervisor, getJson, makeWorkspace, testHostEnv, waitFor } from './testing';
import { KilnError } from '../../../shared/contract/core';
import type { BackendSupervisor } from './supervisor';

async function failure(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (e) {
    return e as KilnError;
  }
  throw new Error('expected the launch to fail');
}

describe('BackendSupervisor with real Python processes', () => {
  let ws: string;
  const supervisors: BackendSupervisor[] = [];
  const track = <T extends { supervisor: BackendSupervisor }>(x: T): T => {
    supervisors.push(x.supervisor);
    return x;
  };

  beforeEach(async () => {
    ws = await makeWorkspace();
  });
  afterEach(async () => {
    for (const s of supervisors.splice(0)) await s.stopAll();
    await fs.rm(ws, { recursive: true, force: true });
  });

  it('launches a stdlib http.server backend, serves /api and static/, records the port, and stops it', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'plain');
    const { supervisor, recorded } = track(createTestSupervisor(ws));
    const status = await supervisor.launch('plain');
    expect(status.state).toBe('running');
    expect(status.url).toBe('http://plain.localhost:1/');
    const port = status.port!;
    expect(await getJson(port, '/api/data')).toMatchObject({ engine: 'stdlib' });
    const html = await (await fetch(`http://127.0.0.1:${port}/index.html`)).text();
    expect(html).toContain('Stdlib app');
    expect(JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).port).toBe(port);
    expect(recorded.states.map((s) => s.state)).toEqual(['installing', 'starting', 'running']);
    const pid = status.pid!;

    const stopped = await supervisor.stop('plain');
    expect(stopped.state).toBe('stopped');
    expect(alive(pid)).toBe(false);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).port).toBeNull();
    const log = await fs.readFile(path.join(dir, 'backend.log'), 'utf8');
    expect(log).toContain(`serving on 127.0.0.1:${port}`);
    expect(log).toContain('GET /api/data');
  });

  it('launches a FastAPI backend from the system site packages; unchanged requirements skip pip next time', async () => {
    await addArtifact(ws, 'fastapi-app', 'fast');
    const first = track(createTestSupervisor(ws));
    const status = await first.supervisor.launch('fast');
    expect(await getJson(status.port!, '/api/data')).toMatchObject({ engine: 'fastapi' });
    expect(await (await fetch(`http://127.0.0.1:${status.port}/`)).text()).toContain('FastAPI app');
    // The first launch checks the requirements (here all satisfied by the system's FastAPI) and says so.
    expect(first.recorded.progress.some((l) => /^Requirements: (all \d+ already installed|installed)/.test(l))).toBe(true);
    await first.supervisor.stop('fast');

    // A fresh Kiln process: the venv is there and requirements.txt is unchanged.
    const second = track(createTestSupervisor(ws));
    const again = await second.supervisor.launch('fast');
    expect(again.state).toBe('running');
    expect(second.recorded.progress.some((l) => l.includes('pip install'))).toBe(false);
    expect(second.recorded.logs.join('\n')).toContain('Requirements: unchanged since the last install; pip skipped.');
    await second.supervisor.stop('fast');
    expect(second.recorded.states.at(-1)?.state).toBe('stopped');
  });

  it('aborts the launch with pip\'s error when the install fails, and a running older backend keeps serving', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'inst');
    const { supervisor } = track(createTestSupervisor(ws));
    const first = await supervisor.launch('inst');
    await fs.writeFile(path.join(dir, 'requirements.txt'), 'kiln-no-such-package-xyz==9.9.9\n');
    const relaunch = failure(supervisor.launch('inst'));
    await waitFor(() => supervisor.status('inst').state === 'installing', 'the replacement install');
    // The old process keeps serving at its address during the install.
    expect(supervisor.status('inst').url).toBe(first.url);
    expect(await getJson(first.port!, '/api/health')).toEqual({ ok: true });
    const err = await relaunch;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/Installing the requirements of "inst" failed/);
    expect(err.details).toMatch(/kiln-no-such-package-xyz/);
    const status = supervisor.status('inst');
    expect(status.state).toBe('running');
    expect(status.port).toBe(first.port);
    expect(status.error).toMatch(/previous version keeps running/);
    expect(await getJson(first.port!, '/api/health')).toEqual({ ok: true });
  });

  it('fails a fresh launch whose install fails, with the key pip lines', async () => {
    await addArtifact(ws, 'stdlib-app', 'badreq', { requirements: '# needs it\nkiln-no-such-package-xyz\n-e .\n' });
    const { supervisor } = track(createTestSupervisor(ws));
    await expect(supervisor.launch('badreq')).rejects.toThrow(/failed/);
    const status = supervisor.status('badreq');
    expect(status.state).toBe('crashed');
    expect(status.logTail).toMatch(/kiln-no-such-package-xyz/);
  });

  it('reports a backend that exits 1 at import with its exit code and log tail', async () => {
    await addArtifact(ws, 'stdlib-app', 'exits', { mode: 'exit1' });
    const { supervisor } = track(createTestSupervisor(ws));
    const err = await failure(supervisor.launch('exits'));
    expect(err.message).toMatch(/exited with code 1 before it was ready/);
    expect(err.details).toContain('boom: backend refused to start');
    expect(supervisor.status('exits')).toMatchObject({ state: 'crashed' });
  });

  it('kills a backend that never binds once the ready timeout passes', async () => {
    await addArtifact(ws, 'stdlib-app', 'nobind', { mode: 'nobind' });
    const { supervisor, recorded } = track(createTestSupervisor(ws, { limits: { readyTimeoutSec: 1 } }));
    const err = await failure(supervisor.launch('nobind'));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/did not answer on its port within 1 s and was stopped/);
    const launched = recorded.states.find((s) => s.state === 'starting');
    expect(launched).toBeDefined();
    expect(supervisor.status('nobind').state).toBe('crashed');
    // No process is left running in the artifact's folder.
    const dir = await fs.realpath(path.join(ws, '.anton/artifacts/nobind'));
    const left: number[] = [];
    for (const p of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(p) || !alive(Number(p))) continue;
      if ((await fs.readlink(`/proc/${p}/cwd`).catch(() => '')) === dir) left.push(Number(p));
    }
    expect(left).toEqual([]);
  });

  it('warns when a backend binds 0.0.0.0', async () => {
    await addArtifact(ws, 'stdlib-app', 'anyaddr', { mode: 'anyaddr' });
    const notices: string[] = [];
    const { supervisor } = track(createTestSupervisor(ws, { notices }));
    await supervisor.launch('anyaddr');
    await waitFor(() => supervisor.status('anyaddr').warning !== undefined, 'the 0.0.0.0 warning');
    expect(supervisor.status('anyaddr').warning).toMatch(/listens on all network interfaces/);
    expect(notices.join('\n')).toMatch(/0\.0\.0\.0/);
  });

  it('reaps a grandchild the backend spawned when it stops', async () => {
    await addArtifact(ws, 'stdlib-app', 'gc', { mode: 'grandchild' });
    const { supervisor } = track(createTestSupervisor(ws));
    const status = await supervisor.launch('gc');
    const { pid, grandchild } = (await getJson(status.port!, '/api/pid')) as { pid: number; grandchild: number };
    expect(alive(grandchild)).toBe(true);
    await supervisor.stop('gc');
    expect(alive(pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('notices a crash, shows the log tail, clears the port, and restarts', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'crashy');
    const { supervisor, recorded } = track(createTestSupervisor(ws));
    const status = await supervisor.launch('crashy');
    await fetch(`http://127.0.0.1:${status.port}/api/crash`).catch(() => undefined);
    await waitFor(() => recorded.states.at(-1)?.state === 'crashed', 'crashed state');
    const crashed = recorded.states.at(-1)!;
    expect(crashed.error).toMatch(/exit code 3/);
    expect(crashed.logTail).toContain('crash requested, exiting with 3');
    await waitFor(async () => JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).port === null, 'port cleared');
    const restarted = await supervisor.restart('crashy');
    expect(restarted.state).toBe('running');
    expect(await getJson(restarted.port!, '/api/health')).toEqual({ ok: true });
  });

  it('retries on another port when the port is taken between probe and bind', async () => {
    await addArtifact(ws, 'stdlib-app', 'race', { mode: 'busyonce' });
    const { supervisor, recorded } = track(createTestSupervisor(ws));
    const status = await supervisor.launch('race');
    expect(status.state).toBe('running');
    expect(recorded.logs.join('\n')).toMatch(/was taken before the backend could bind it; trying another/);
  });

  it('a relaunch whose datasource is gone keeps the old version serving; a fresh launch says why it could not start', async () => {
    await addArtifact(ws, 'stdlib-app', 'gone', { datasources: [{ engine: 'postgres', name: '7e8971c3' }] });
    let vaultHasIt = true;
    const { supervisor } = track(
      createTestSupervisor(ws, {
        envFor: () => {
          if (!vaultHasIt) throw new KilnError('NOT_FOUND', 'There is no datasource "postgres-7e8971c3". Add it in Settings → Datasources.');
          return { DS_POSTGRES_7E8971C3__PASSWORD: 'pg-pass' };
        },
      }),
    );
    const first = await supervisor.launch('gone');
    vaultHasIt = false;
    await expect(supervisor.launch('gone')).rejects.toThrow(/no datasource "postgres-7e8971c3"/);
    expect(supervisor.status('gone')).toMatchObject({ state: 'running', port: first.port, error: expect.stringMatching(/previous version keeps running/) });
    expect(await getJson(first.port!, '/api/health')).toEqual({ ok: true });
    await supervisor.stop('gone');
    await expect(supervisor.launch('gone')).rejects.toThrow(/no datasource/);
    expect(supervisor.status('gone')).toMatchObject({ state: 'crashed', error: expect.stringMatching(/no datasource/) });
  });

  it('gives a backend only its declared DS_* variables and a minimal base environment', async () => {
    await addArtifact(ws, 'stdlib-app', 'envy', { datasources: [{ engine: 'postgres', name: '7e8971c3' }] });
    const secrets = {
      OPENAI_API_KEY: 'sk-test-not-for-backends-0000000000',
      KILN_TOKEN: 'secret-token',
      KILN_PUBLISH_API_KEY: 'kiln-pub-never',
      STRIPE_API_KEY: 'sk_live_never',
      GITHUB_TOKEN: 'ghp_never',
      DS_POSTGRES_7E8971C3__USER: 'from-kiln-env-never',
    };
    const hostEnv = testHostEnv({ ...secrets, TZ: 'UTC' });
    const { supervisor } = track(
      createTestSupervisor(ws, {
        hostEnv,
        // A careless vault that returns too much: the supervisor still passes only what is declared.
        envFor: (slugs) => {
          expect(slugs).toEqual(['postgres-7e8971c3']);
          return { DS_POSTGRES_7E8971C3__PASSWORD: 'pg-pass', DS_POSTGRES_7E8971C3__HOST: 'db.local', DS_MYSQL_11111111__PASSWORD: 'other' };
        },
      }),
    );
    const status = await supervisor.launch('envy');
    const env = (await getJson(status.port!, '/api/env')) as Record<string, string>;
    expect(env.DS_POSTGRES_7E8971C3__PASSWORD).toBe('pg-pass');
    expect(env.DS_POSTGRES_7E8971C3__HOST).toBe('db.local');
    expect(Object.keys(env).filter((k) => k.startsWith('DS_')).sort()).toEqual(['DS_POSTGRES_7E8971C3__HOST', 'DS_POSTGRES_7E8971C3__PASSWORD']);
    for (const name of Object.keys(secrets)) expect(env[name], name).toBeUndefined();
    expect(env.PIP_CONFIG_FILE).toBeUndefined();
    // The child-env base set reaches it.
    expect(env).toMatchObject({ PATH: hostEnv.PATH, HOME: hostEnv.HOME, LANG: 'C.UTF-8', TZ: 'UTC' });
    expect(env.PYTHONUNBUFFERED).toBe('1');
    expect(env.PYTHONUTF8).toBe('1');
  });

  it('scrubs secret values from the log file and log events', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'scrub', { mode: 'exit1' });
    await fs.writeFile(path.join(dir, 'backend.py'), 'import os\nprint("password is", os.environ["DS_PG_X__PASSWORD"], flush=True)\nraise SystemExit(1)\n');
    const { supervisor, recorded } = track(
      createTestSupervisor(ws, {
        envFor: () => ({ DS_PG_X__PASSWORD: 'hunter2hunter2' }),
        scrub: (t) => t.replaceAll('hunter2hunter2', '[DS_PG_X__PASSWORD]'),
      }),
    );
    await addArtifactDatasource(dir, { engine: 'pg', name: 'x' });
    const err = await failure(supervisor.launch('scrub'));
    expect(err.details).toContain('password is [DS_PG_X__PASSWORD]');
    expect(err.details).not.toContain('hunter2hunter2');
    expect(recorded.logs.join('\n')).not.toContain('hunter2hunter2');
    expect(await fs.readFile(path.join(dir, 'backend.log'), 'utf8')).not.toContain('hunter2hunter2');
  });

  it('refuses more running backends than the limit, and stops idle ones', async () => {
    await addArtifact(ws, 'stdlib-app', 'one');
    await addArtifact(ws, 'stdlib-app', 'two');
    let now = 1_000_000;
    const notices: string[] = [];
    const { supervisor } = track(createTestSupervisor(ws, { limits: { maxRunning: 1, idleStopMinutes: 1 }, now: () => now, idleCheckMs: 30, notices }));
    await supervisor.launch('one');
    await expect(supervisor.launch('two')).rejects.toThrow(/already running, the limit/);
    now += 50_000;
    supervisor.touch('one'); // preview traffic
    now += 50_000;
    await new Promise((r) => setTimeout(r, 120));
    expect(supervisor.status('one').state).toBe('running');
    now += 61_000;
    await waitFor(() => supervisor.status('one').state === 'stopped', 'idle stop');
    expect(notices.join('\n')).toMatch(/without use/);
    expect((await supervisor.launch('two')).state).toBe('running');
  });

  it('refuses static artifacts and unknown slugs with clear errors', async () => {
    const { supervisor } = track(createTestSupervisor(ws));
    await expect(supervisor.launch('missing')).rejects.toThrow(/There is no artifact "missing"/);
    await expect(supervisor.launch('../x')).rejects.toThrow(/not an artifact folder name/);
    const dir = path.join(ws, '.anton/artifacts/static-one');
    await fs.mkdir(dir, { recursive: true });
    const stamp = '2026-01-01T00:00:00+00:00';
    await fs.writeFile(
      path.join(dir, 'metadata.json'),
      JSON.stringify({ id: '0badc0de', slug: 'static-one', name: 'Static', createdAt: stamp, updatedAt: stamp, type: 'html-app', primary: 'index.html' }),
    );
    await expect(supervisor.launch('static-one')).rejects.toThrow(/only fullstack apps have a backend/);
  });
});

async function addArtifactDatasource(dir: string, ds: { engine: string; name: string }): Promise<void> {
  const file = path.join(dir, 'metadata.json');
  const meta = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  meta.datasources = [ds];
  await fs.writeFile(file, JSON.stringify(meta));
}
