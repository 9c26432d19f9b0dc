import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppSandbox } from '../sandbox/app-sandbox';
import { isStillBackend } from './pid-registry';
import type { BackendSupervisor } from './supervisor';
import { addArtifact, alive, createTestSupervisor, getJson, makeWorkspace, testHostEnv, waitFor } from './testing';
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:http';
import { LiveReload } from './live-reload';
import type { Duplex } from 'node:stream';
import { SPARE_ARGS, watchSpare } from './spare';

const SLUG = 'live-app';

/** The end of each test backend: serve `facts()` as JSON on the `--port` given (imports argparse, http.server, json). */
const SERVE_FACTS = `class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(facts()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
a = p.parse_args()
if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", a.port), H).serve_forever()
`;

/** A stdlib backend that reports what a program can tell about how it was started. */
const identityBackend = (value: string): string => `import os
FD3 = os.path.exists("/proc/self/fd/3")  # before this program opens anything itself
import argparse, http.server, json, sys, helper
VALUE = ${JSON.stringify(value)}
def facts():
    import __main__
    fd3 = FD3
    return {"value": VALUE, "helper": helper.WORD, "argv": sys.argv, "file": __file__, "name": __name__,
            "main_file": getattr(__main__, "__file__", None), "path0": sys.path[0],
            "stdin": os.path.realpath("/proc/self/fd/0"), "fd3": fd3, "secret": os.environ.get("DS_POSTGRES_MAIN__PASSWORD"),
            "orig_argv": sys.orig_argv[1:], "builtins": type(__builtins__).__name__}
${SERVE_FACTS}`;

interface Facts {
  value: string;
  helper: string;
  argv: string[];
  file: string;
  name: string;
  main_file: string;
  path0: string;
  stdin: string;
  fd3: boolean;
  secret: string | null;
  orig_argv: string[];
  builtins: string;
}

describe('a live restart in the spare interpreter started ahead', () => {
  let ws: string;
  let dir: string;
  let supervisor: BackendSupervisor | null = null;
  let venvDir = '';

  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = null;
    await fs.rm(ws, { recursive: true, force: true });
  });

  async function start(opts: { secret?: () => string; sandbox?: AppSandbox } = {}): Promise<{ port: number; pid: number }> {
    ws = await makeWorkspace();
    dir = await addArtifact(ws, 'live-app', SLUG, opts.secret ? { datasources: [{ engine: 'postgres', name: 'main' }] } : {});
    await fs.writeFile(path.join(dir, 'helper.py'), 'WORD = "first"\n');
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v1'));
    const secret = opts.secret;
    const made = createTestSupervisor(ws, {
      spares: () => true,
      spareDelayMs: 0,
      ...(secret ? { envFor: () => ({ DS_POSTGRES_MAIN__PASSWORD: secret() }) } : {}),
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    });
    supervisor = made.supervisor;
    venvDir = made.python.venvDir(SLUG);
    const s = await supervisor.launch(SLUG);
    return { port: s.port!, pid: s.pid! };
  }

  const facts = (port: number): Promise<Facts> => getJson(port, '/') as Promise<Facts>;
  const warmSpare = async (): Promise<number> => {
    let pid: number | null = null;
    await waitFor(() => (pid = supervisor!.warmSparePid(SLUG)) !== null, 'a warm spare');
    return pid!;
  };

  it('runs the edited backend.py as a cold start would (argv, __main__, sys.path[0], stdin) and re-reads the app\'s own modules', async () => {
    const cold = await start();
    const before = await facts(cold.port);
    const sparePid = await warmSpare();
    // The orphan reaper would recognise it: `backend.py --port N` in the artifact's folder.
    const journal = await fs.readFile(path.join(ws, '.kiln', 'state', 'backends.jsonl'), 'utf8');
    const entry = journal.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { op: string; id: string; pid?: number; port?: number })
      .find((l) => l.op === 'pid' && l.pid === sparePid);
    expect(entry).toBeTruthy();

    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
    await fs.writeFile(path.join(dir, 'helper.py'), 'WORD = "second"\n');
    const after = await supervisor!.liveRestart(SLUG);
    expect(after.state).toBe('running');
    expect(after.pid).toBe(sparePid);
    const now = await facts(after.port!);
    expect(now.value).toBe('v2');
    expect(now.helper).toBe('second'); // the app's own module was not imported ahead
    expect(now.argv).toEqual(['backend.py', '--port', String(after.port)]);
    // A reloader that re-executes itself (werkzeug's) runs `python backend.py --port N`, cold.
    expect(now.orig_argv).toEqual(['backend.py', '--port', String(after.port)]);
    expect(now.builtins).toBe(before.builtins);
    expect(now.file).toBe(before.file);
    expect(now.name).toBe('__main__');
    expect(now.main_file).toBe(before.main_file);
    expect(now.path0).toBe(before.path0);
    expect(now.stdin).toBe('/dev/null');
    expect(now.fd3).toBe(false); // the control channel is closed before backend.py runs
    expect(alive(cold.pid)).toBe(false);
    const log = await supervisor!.logs(SLUG, { tail: 20 });
    expect(log.join('\n')).toContain(`backend.py --port ${after.port} (in the interpreter started ahead)`);
    expect(await isStillBackend({ id: 'x', slug: SLUG, pid: sparePid, port: after.port!, python: '', dir, startedAt: '' })).toBe(true);
    // …and the next restart gets a spare of its own.
    const next = await warmSpare();
    expect(next).not.toBe(sparePid);
  });

  it('a broken edit prints the traceback a cold start prints (no loader frame); the old version keeps serving', async () => {
    const cold = await start();
    await warmSpare();
    const broken = identityBackend('v2').replace('VALUE = "v2"', 'VALUE = "v2"\nraise RuntimeError("boom in the new version")');
    await fs.writeFile(path.join(dir, 'backend.py'), broken);
    const after = await supervisor!.liveRestart(SLUG);
    expect(after.reload?.phase).toBe('failed');
    expect((await facts(cold.port)).value).toBe('v1');
    const plain = await execa('/usr/bin/python3', ['backend.py', '--port', '1'], { cwd: dir, reject: false });
    expect(plain.exitCode).toBe(1);
    const traceback = plain.stderr.trim().split('\n');
    expect(after.reload?.logTail).toContain(traceback.join('\n'));
    expect(after.reload?.logTail).not.toContain('_kiln');
    expect(after.reload?.error).toContain('exited with code 1');
  });

  it('a syntax error reads as it would in a cold start', async () => {
    await start();
    await warmSpare();
    await fs.writeFile(path.join(dir, 'backend.py'), 'def broken(:\n    pass\n');
    const after = await supervisor!.liveRestart(SLUG);
    const plain = await execa('/usr/bin/python3', ['backend.py'], { cwd: dir, reject: false });
    expect(after.reload?.logTail).toContain(plain.stderr.trim());
    expect(after.reload?.logTail).not.toContain('_kiln');
  });

  it('is dropped, never used, when the environment changed (a datasource value): the restart starts cold with the new one', async () => {
    let secret = 'first-secret';
    await start({ secret: () => secret });
    const sparePid = await warmSpare();
    secret = 'second-secret';
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
    const after = await supervisor!.liveRestart(SLUG);
    expect(after.pid).not.toBe(sparePid);
    const now = await facts(after.port!);
    expect(now).toMatchObject({ value: 'v2', secret: 'second-secret' });
    await waitFor(() => !alive(sparePid), 'the stale spare to exit');
    expect((await supervisor!.logs(SLUG, { tail: 10 })).join('\n')).not.toContain('started ahead');
  });

  it('stopping the backend stops its spare; nothing is left running', async () => {
    const cold = await start();
    const sparePid = await warmSpare();
    await supervisor!.stop(SLUG);
    expect(alive(cold.pid)).toBe(false);
    expect(alive(sparePid)).toBe(false);
    expect(supervisor!.warmSparePid(SLUG)).toBeNull();
  });

  it('a spare whose control channel closes (Kiln gone) exits by itself, and never runs backend.py', async () => {
    ws = await makeWorkspace();
    await fs.writeFile(path.join(ws, 'backend.py'), 'import json\nopen("ran", "w").write("yes")\n');
    const child = execa('/usr/bin/python3', [...SPARE_ARGS, 'backend.py', '--port', '1'], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], buffer: false, reject: false });
    const spare = { slug: SLUG, key: '', port: 1, pid: child.pid!, child: child as unknown as ResultPromise, cmd: { file: '', args: [], env: {}, isolated: false, tool: 'none' as const }, warm: false };
    watchSpare(spare, () => undefined); // (the cast above: execa types a 4-entry stdio narrower than Spare's child)
    await waitFor(() => spare.warm, 'the loader to say warm');
    // What a crash of Kiln does to the socket pair: the spare reads EOF.
    (child.stdio[3] as Duplex).destroy();
    expect((await child).exitCode).toBe(0);
    await expect(fs.stat(path.join(ws, 'ran'))).rejects.toThrow();
  });

  /** The venv's site-packages (the test venv sees the system's packages too). */
  const sitePackages = async (): Promise<string> => {
    const lib = path.join(venvDir, 'lib');
    const found = (await fs.readdir(lib)).find((p) => p.startsWith('python'));
    if (!found) throw new Error(`no site-packages in the test venv ${venvDir}`);
    return path.join(lib, found, 'site-packages');
  };
  const journalPort = async (pid: number): Promise<number> => {
    const lines = (await fs.readFile(path.join(ws, '.kiln', 'state', 'backends.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { op: string; id: string; pid?: number; port?: number });
    const id = lines.find((l) => l.op === 'pid' && l.pid === pid)!.id;
    return lines.find((l) => l.op === 'start' && l.id === id)!.port!;
  };
  const probing = (value: string): string => `"""Probe app."""
import os
import probe_early
os.environ["KILN_ORDER"] = "set-first"
import probe_late
import argparse, http.server, json
VALUE = ${JSON.stringify(value)}
def facts():
    return {"value": VALUE, "early_ahead": probe_early.IN_LOADER, "late_ahead": probe_late.IN_LOADER, "late_saw": probe_late.SAW}
${SERVE_FACTS}`;

  it('imports ahead only the leading import block: code before a later import still runs first', async () => {
    await start();
    const site = await sitePackages();
    const probe = 'import os, __main__\nIN_LOADER = hasattr(__main__, "_kiln_spare")\nSAW = os.environ.get("KILN_ORDER")\n';
    await fs.writeFile(path.join(site, 'probe_early.py'), probe);
    await fs.writeFile(path.join(site, 'probe_late.py'), probe);
    await fs.writeFile(path.join(dir, 'backend.py'), probing('v1'));
    await supervisor!.restart(SLUG); // cold, with the new venv content
    const sparePid = await warmSpare();
    await fs.writeFile(path.join(dir, 'backend.py'), probing('v2'));
    const after = await supervisor!.liveRestart(SLUG);
    expect(after.pid).toBe(sparePid);
    expect(await getJson(after.port!, '/')).toEqual({ value: 'v2', early_ahead: true, late_ahead: false, late_saw: 'set-first' });
  });

  it('a package added to the venv by another tool (anton, a shell) drops the spare: the restart starts cold', async () => {
    await start();
    const sparePid = await warmSpare();
    await fs.writeFile(path.join(await sitePackages(), 'added_later.py'), 'X = 1\n');
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
    const after = await supervisor!.liveRestart(SLUG);
    expect(after.pid).not.toBe(sparePid);
    expect((await facts(after.port!)).value).toBe('v2');
    await waitFor(() => !alive(sparePid), 'the stale spare to exit');
  });

  it('a spare whose port another program took meanwhile is not used', async () => {
    await start();
    const sparePid = await warmSpare();
    const squatter = createServer((_q, r) => r.end('someone else'));
    const port = await journalPort(sparePid);
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
      const after = await supervisor!.liveRestart(SLUG);
      expect(after.pid).not.toBe(sparePid);
      expect(after.port).not.toBe(port);
      expect((await facts(after.port!)).value).toBe('v2');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('a restart within the spare delay still leaves a spare for the next one; a failed one too', async () => {
    ws = await makeWorkspace();
    dir = await addArtifact(ws, 'live-app', SLUG);
    await fs.writeFile(path.join(dir, 'helper.py'), 'WORD = "first"\n');
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v1'));
    ({ supervisor } = createTestSupervisor(ws, { spares: () => true, spareDelayMs: 300 }));
    await supervisor.launch(SLUG);
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
    await supervisor.liveRestart(SLUG); // before the first spare was due
    const spare = await warmSpare();
    await fs.writeFile(path.join(dir, 'backend.py'), 'raise SystemExit(3)\n');
    expect((await supervisor.liveRestart(SLUG)).reload?.phase).toBe('failed');
    const next = await warmSpare(); // for the edit that fixes it
    expect(next).not.toBe(spare);
    await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v4'));
    const fixed = await supervisor.liveRestart(SLUG);
    expect(fixed.pid).toBe(next);
    expect((await facts(fixed.port!)).value).toBe('v4');
  });

  it('a crash of the backend, or Live reload turned off, stops the spare', async () => {
    const cold = await start();
    const first = await warmSpare();
    process.kill(-cold.pid, 'SIGKILL');
    await waitFor(() => supervisor!.status(SLUG).state === 'crashed', 'the crash');
    await waitFor(() => !alive(first), 'the spare to go with it');
    await supervisor!.launch(SLUG);
    const second = await warmSpare();
    const live = new LiveReload({ onChanged: () => ({ dispose: () => undefined }), backends: supervisor!, stateFile: () => path.join(ws, '.kiln', 'state', 'live-reload.json') });
    await live.setEnabled(SLUG, false);
    await waitFor(() => !alive(second), 'the spare to stop');
    expect(supervisor!.warmSparePid(SLUG)).toBeNull();
    live.dispose();
  });

  describe.runIf(process.platform === 'linux')('in the app sandbox (real bwrap)', () => {
    it('the spare runs inside the same sandbox and takes over the restart', async () => {
      const root = await makeWorkspace();
      try {
        const sandbox = new AppSandbox({ mode: () => 'require', stateDir: () => path.join(root, 'state'), env: testHostEnv() });
        await start({ sandbox });
        const sparePid = await warmSpare();
        await fs.writeFile(path.join(dir, 'backend.py'), identityBackend('v2'));
        const after = await supervisor!.liveRestart(SLUG);
        expect(after.pid).toBe(sparePid);
        expect((await facts(after.port!)).value).toBe('v2');
        expect((await supervisor!.logs(SLUG, { tail: 20 })).join('\n')).toContain('started ahead');
      } finally {
        await supervisor?.stopAll();
        await fs.rm(root, { recursive: true, force: true });
      }
    });
  });
});
