import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonScratchpads, type ScratchpadStart } from './python-scratchpad';

let dir: string;
const pads = new PythonScratchpads();
const start = (dsEnv: Record<string, string> = {}) => async (): Promise<ScratchpadStart> => ({ interpreter: '/usr/bin/python3', cwd: dir, dsEnv, declared: [{ engine: 'pg', name: 'x' }] });
const run = (code: string, opts: { timeoutMs?: number; dsEnv?: Record<string, string>; signal?: AbortSignal; slug?: string } = {}) =>
  pads.run(opts.slug ?? 'a', code, { start: start(opts.dsEnv), timeoutMs: opts.timeoutMs ?? 20_000, signal: opts.signal ?? new AbortController().signal });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-py-'));
});
afterAll(async () => {
  pads.stopAll();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('PythonScratchpads', () => {
  it('keeps state between calls, captures stdout and prints a final expression', async () => {
    const first = await run('x = 21\nprint("hello")');
    expect(first).toMatchObject({ ok: true, stdout: 'hello\n', reset: false });
    const second = await run('x * 2');
    expect(second.stdout).toBe('42\n');
  });

  it('runs in the artifact folder and reports exceptions with the traceback', async () => {
    await fs.writeFile(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
    expect((await run('print(open("data.csv").read().splitlines()[1])')).stdout).toBe('1,2\n');
    const failed = await run('1 / 0');
    expect(failed.ok).toBe(false);
    expect(failed.stderr).toContain('ZeroDivisionError');
    // The process survives an exception: state is still there.
    expect((await run('x')).stdout).toBe('21\n');
  });

  it("sees only the declared DS_* variables, not Kiln's environment", async () => {
    process.env.KILN_TEST_LEAK = 'should-not-be-visible';
    const result = await run('import os\nsorted(k for k in os.environ if k.startswith(("DS_", "KILN", "OPENAI")))', {
      slug: 'env',
      dsEnv: { DS_PG_X__PASSWORD: 'pw' },
    });
    delete process.env.KILN_TEST_LEAK;
    expect(result.stdout).toBe("['DS_PG_X__PASSWORD']\n");
  });

  it('builds its environment with the one child-env builder: base passes, secrets and undeclared DS_* do not', async () => {
    const hostEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: '/home/kiln-test',
      LANG: 'C.UTF-8',
      TMPDIR: dir,
      OPENAI_API_KEY: 'sk-never-in-python-000000000000',
      KILN_PUBLISH_API_KEY: 'kiln-pub-never',
      GITHUB_TOKEN: 'ghp_never',
      STRIPE_API_KEY: 'sk_live_never',
      DS_HOST_LEFTOVER__PASSWORD: 'never',
      UNRELATED_SETTING: 'never',
    };
    const isolated = new PythonScratchpads({ hostEnv });
    try {
      const result = await isolated.run('iso', 'import json, os\nprint(json.dumps(dict(os.environ)))', {
        start: async () => ({
          interpreter: '/usr/bin/python3',
          cwd: dir,
          declared: [{ engine: 'postgres', name: '7e8971c3' }],
          // A careless vault that hands over too much: only the declared datasource passes.
          dsEnv: { DS_POSTGRES_7E8971C3__PASSWORD: 'pg-pass', DS_MYSQL_11111111__PASSWORD: 'other' },
        }),
        timeoutMs: 20_000,
        signal: new AbortController().signal,
      });
      const env = JSON.parse(result.stdout) as Record<string, string>;
      expect(env).toMatchObject({ PATH: hostEnv.PATH, HOME: '/home/kiln-test', LANG: 'C.UTF-8', TMPDIR: dir, PYTHONUNBUFFERED: '1', MPLBACKEND: 'Agg' });
      expect(env.DS_POSTGRES_7E8971C3__PASSWORD).toBe('pg-pass');
      for (const name of ['OPENAI_API_KEY', 'KILN_PUBLISH_API_KEY', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'DS_HOST_LEFTOVER__PASSWORD', 'DS_MYSQL_11111111__PASSWORD', 'UNRELATED_SETTING']) {
        expect(env[name], name).toBeUndefined();
      }
    } finally {
      isolated.stopAll();
    }
  });

  it('stops code that runs too long, and the next call starts fresh', async () => {
    await run('y = 5', { slug: 'slow' });
    await expect(run('import time\ntime.sleep(30)', { slug: 'slow', timeoutMs: 500 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const after = await run('print("y" in globals())', { slug: 'slow' });
    expect(after.stdout).toBe('False\n');
  });

  it('is cancelled at once by Stop', async () => {
    const controller = new AbortController();
    const pending = run('import time\ntime.sleep(30)', { slug: 'stop', signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('reset forgets the state', async () => {
    await run('z = 1', { slug: 'r' });
    expect(pads.reset('r')).toBe(true);
    expect((await run('print("z" in globals())', { slug: 'r' })).stdout).toBe('False\n');
  });
});
