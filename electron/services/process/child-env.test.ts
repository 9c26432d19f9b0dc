import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPython } from '../diagnostics/python-check';
import { pythonMajorMinor } from '../publish/python-version';
import { probeVersion } from '../python/interpreter';
import { PythonService } from '../python/python-service';
import { BASE_ENV_KEYS, childEnv, isSecretEnvName } from './child-env';

const SECRETS = {
  OPENAI_API_KEY: 'sk-never-0000000000000000',
  OPENAI_BASE_URL: 'http://never.invalid/v1',
  KILN_PUBLISH_API_KEY: 'kiln-pub-never',
  KILN_PYTHON: '/never/python',
  STRIPE_API_KEY: 'sk_live_never',
  GITHUB_TOKEN: 'ghp_never',
  SLACK_BOT_TOKEN_X: 'xoxb-never',
  AWS_SECRET_ACCESS_KEY: 'aws-never',
  DB_PASSWORD: 'pw-never',
  DS_POSTGRES_7E8971C3__PASSWORD: 'ds-from-host-never',
  SOMETHING_ELSE: 'not-on-the-list',
};

const host = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/u',
  LANG: 'de_DE.UTF-8',
  LC_ALL: 'de_DE.UTF-8',
  TMPDIR: '/tmp/u',
  TZ: 'Europe/Berlin',
  ...SECRETS,
  ...extra,
});

describe('childEnv', () => {
  it('passes the base set and nothing else by default', () => {
    const env = childEnv({ host: host(), platform: 'linux' });
    expect(env).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/u', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', TMPDIR: '/tmp/u', TZ: 'Europe/Berlin' });
  });

  it('drops every credential-looking name even inside an allowed group', () => {
    const env = childEnv({ host: host({ PIP_INDEX_URL: 'https://mirror/simple', PIP_TOKEN: 'never', https_proxy: 'http://proxy:3128', NO_PROXY: 'localhost' }), inherit: ['pip'], platform: 'linux' });
    expect(env.PIP_INDEX_URL).toBe('https://mirror/simple');
    expect(env.https_proxy).toBe('http://proxy:3128');
    expect(env.NO_PROXY).toBe('localhost');
    expect(env.PIP_TOKEN).toBeUndefined();
    for (const name of Object.keys(SECRETS)) expect(env[name], name).toBeUndefined();
  });

  it('lets pip settings through only when asked', () => {
    expect(childEnv({ host: host({ PIP_CONFIG_FILE: '/dev/null' }), platform: 'linux' }).PIP_CONFIG_FILE).toBeUndefined();
    expect(childEnv({ host: host({ PIP_CONFIG_FILE: '/dev/null' }), inherit: ['pip'], platform: 'linux' }).PIP_CONFIG_FILE).toBe('/dev/null');
  });

  it('lets the desktop session through only when asked (opening the browser)', () => {
    const h = host({ DISPLAY: ':0', XDG_RUNTIME_DIR: '/run/user/1000', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' });
    expect(childEnv({ host: h, platform: 'linux' }).DISPLAY).toBeUndefined();
    const env = childEnv({ host: h, inherit: ['desktop'], platform: 'linux' });
    expect(env).toMatchObject({ DISPLAY: ':0', XDG_RUNTIME_DIR: '/run/user/1000', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' });
    for (const name of Object.keys(SECRETS)) expect(env[name], name).toBeUndefined();
  });

  it('passes exactly the DS_* variables of declared datasources', () => {
    const env = childEnv({
      host: host(),
      platform: 'linux',
      datasources: {
        declared: [{ engine: 'postgres', name: '7e8971c3' }, { engine: 'rest-api', name: 'a.b' }],
        vars: {
          DS_POSTGRES_7E8971C3__PASSWORD: 'pg',
          DS_REST_API_A_B__TOKEN: 'tok',
          DS_MYSQL_11111111__PASSWORD: 'other',
          // A prefix of a declared one without the `__` separator is another datasource.
          DS_POSTGRES_7E8971C3X__PASSWORD: 'other',
          // A field name the vault allows for a generic datasource (`api__key`) still passes.
          DS_REST_API_A_B__API__KEY: 'k',
          OPENAI_API_KEY: 'smuggled',
        },
      },
    });
    expect(Object.keys(env).filter((k) => k.startsWith('DS_')).sort()).toEqual(['DS_POSTGRES_7E8971C3__PASSWORD', 'DS_REST_API_A_B__API__KEY', 'DS_REST_API_A_B__TOKEN']);
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(childEnv({ host: host(), datasources: { declared: [], vars: { DS_POSTGRES_7E8971C3__PASSWORD: 'pg' } } }).DS_POSTGRES_7E8971C3__PASSWORD).toBeUndefined();
  });

  it('adds Python I/O settings and fixed extras, and refuses a credential as an extra', () => {
    const env = childEnv({ host: host(), python: true, extra: { MPLBACKEND: 'Agg' }, platform: 'linux' });
    expect(env).toMatchObject({ PYTHONUNBUFFERED: '1', PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', MPLBACKEND: 'Agg' });
    expect(() => childEnv({ host: host(), extra: { MY_API_KEY: 'x' } })).toThrow(/looks like a credential/);
  });

  it('fills PATH and LANG on POSIX when Kiln itself started without them', () => {
    expect(childEnv({ host: {}, platform: 'linux' })).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' });
  });

  it('keeps Windows names whatever their case, and what Python needs there', () => {
    const env = childEnv({ host: { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', OPENAI_API_KEY: 'x' }, platform: 'win32' });
    expect(env).toEqual({ Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' });
  });

  it('names: base keys are never secret; credentials are', () => {
    for (const key of BASE_ENV_KEYS) expect(isSecretEnvName(key), key).toBe(false);
    for (const key of Object.keys(SECRETS).filter((k) => k !== 'SOMETHING_ELSE')) expect(isSecretEnvName(key), key).toBe(true);
    for (const key of ['PIP_INDEX_URL', 'https_proxy', 'PYTHONUTF8', 'KEYBOARD', 'MONKEY_BUSINESS']) expect(isSecretEnvName(key), key).toBe(false);
  });
});

/**
 * Every spawner, run for real: a stand-in interpreter (a shell script that writes its own
 * environment to a file, then execs the real Python) shows what each spawner hands its child.
 */
describe('every Python spawner uses the one builder', () => {
  let dir: string;
  let fakePython: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-child-env-'));
    fakePython = path.join(dir, 'python-dumps-env');
    await fs.writeFile(fakePython, `#!/bin/sh\nenv -0 > "${dir}/env-$$.txt"\nexec /usr/bin/python3 "$@"\n`, { mode: 0o755 });
    // The spawners that read Kiln's own environment (probes, diagnostics) see these.
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The environments the stand-in saw since the last call, then forgets them. */
  async function seen(): Promise<Record<string, string>[]> {
    const files = (await fs.readdir(dir)).filter((f) => f.startsWith('env-'));
    const out: Record<string, string>[] = [];
    for (const f of files) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      out.push(Object.fromEntries(text.split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
      await fs.rm(path.join(dir, f));
    }
    return out;
  }

  function expectClean(env: Record<string, string>): void {
    expect(env.PATH).toBeTruthy();
    expect(env.PYTHONUTF8).toBe('1');
    for (const name of Object.keys(SECRETS)) expect(env[name], name).toBeUndefined();
  }

  it('the interpreter probe (discovery) and the publish version probe', async () => {
    expect(await probeVersion(fakePython, host())).toMatch(/^3\.\d+\.\d+$/);
    expect(await pythonMajorMinor(fakePython)).toMatch(/^3\.\d+$/);
    const envs = await seen();
    expect(envs).toHaveLength(2);
    for (const env of envs) expectClean(env);
    // The probe with a given host environment passes that one's base, not Kiln's.
    expect(envs.some((e) => e.HOME === '/home/u' && e.TZ === 'Europe/Berlin')).toBe(true);
  });

  it('venv creation (with pip settings) and the diagnostics venv check', async () => {
    const ws = path.join(dir, 'ws');
    const service = new PythonService({
      settings: () => ({ interpreter: fakePython, systemSitePackages: false, pipArgs: [], installTimeoutSec: 60 }),
      workspaceDir: () => ws,
      env: { ...host({ PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' }), HOME: os.homedir() },
    });
    await service.ensureVenv('app-1');
    const all = await seen();
    for (const env of all) expectClean(env);
    // The probe gets the plain base; venv creation gets pip's settings as well.
    const [venvEnv, ...rest] = all.filter((e) => e.PIP_CONFIG_FILE !== undefined);
    expect(rest).toHaveLength(0);
    expect(venvEnv!.PIP_DISABLE_PIP_VERSION_CHECK).toBe('1');

    const check = await checkPython(async () => ({ path: fakePython, version: '3.11.0', source: 'setting' }), { venv: true });
    expect(check).toMatchObject({ found: true, venvWorks: true });
    const diag = await seen();
    expect(diag.length).toBeGreaterThanOrEqual(1);
    for (const env of diag) expectClean(env);
  }, 120_000);
});

/** A new spawner must go through the builder: this fails when one spawns without it. */
describe('no spawner bypasses the builder', () => {
  /** Spawns that deliberately keep the full environment, each with its reason. */
  const EXEMPT: Record<string, string> = {};

  it('every execa/spawn/execFile call under electron/ sits in a file that uses childEnv (or takes a ChildEnv it made)', async () => {
    const root = path.resolve('electron');
    const offenders: string[] = [];
    async function walk(d: string): Promise<void> {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.startsWith('testing')) {
          const text = await fs.readFile(p, 'utf8');
          const rel = path.relative(path.resolve('.'), p).split(path.sep).join('/');
          // A helper may spawn with an env it was handed, typed `ChildEnv` (only childEnv makes one).
          const usesBuilder = text.includes('childEnv(') || /:\s*ChildEnv\b/.test(text);
          if (/\b(execa|spawn|execFile|spawnSync|execFileSync|fork)\s*\(/.test(text) && !usesBuilder && !(rel in EXEMPT)) offenders.push(rel);
        }
      }
    }
    await walk(root);
    expect(offenders).toEqual([]);
  });
});
