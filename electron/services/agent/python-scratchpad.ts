import { spawn, type ChildProcess } from 'node:child_process';
import { KilnError } from '../../../shared/contract/core';
import path from 'node:path';
import { childEnv } from '../process/child-env';
import { sandboxedCommand, type PythonSandbox } from '../sandbox/port';
import type { SandboxedCommand } from '../sandbox/types';

/**
 * A persistent Python process per artifact: variables, imports and loaded data survive
 * between `run_python` calls, like a notebook kernel. Code goes in on stdin as JSON lines;
 * results come back on a private pipe (fd 3) so nothing the code prints can forge one.
 * A timeout or a Stop kills the whole process group and the next call starts fresh.
 */
const DRIVER = String.raw`
import ast, contextlib, io, json, os, sys, traceback
_chan = os.fdopen(3, 'w', encoding='utf-8')
_g = {'__name__': '__main__'}
for _line in sys.stdin:
    try:
        _req = json.loads(_line)
    except Exception:
        continue
    _o, _e = io.StringIO(), io.StringIO()
    _ok = True
    with contextlib.redirect_stdout(_o), contextlib.redirect_stderr(_e):
        try:
            _tree = ast.parse(_req['code'], '<run_python>', 'exec')
            _last = None
            if _tree.body and isinstance(_tree.body[-1], ast.Expr):
                _last = ast.Expression(_tree.body.pop().value)
            exec(compile(_tree, '<run_python>', 'exec'), _g)
            if _last is not None:
                _v = eval(compile(_last, '<run_python>', 'eval'), _g)
                if _v is not None:
                    print(repr(_v))
        except SystemExit:
            pass
        except BaseException:
            _ok = False
            traceback.print_exc()
    sys.stdout.flush(); sys.stderr.flush()
    _chan.write(json.dumps({'id': _req.get('id'), 'ok': _ok, 'stdout': _o.getvalue(), 'stderr': _e.getvalue()}) + '\n')
    _chan.flush()
`;

export interface PythonRunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** True when the process had to be restarted (timeout, crash): earlier state is gone. */
  reset: boolean;
}

export interface ScratchpadStart {
  interpreter: string;
  cwd: string;
  /** The `DS_*` variables of the artifact's declared datasources (from the vault). */
  dsEnv: Record<string, string>;
  /** The datasources the artifact declares: only their `DS_*` variables reach Python. */
  declared: readonly { engine: string; name: string }[];
}

/** Kiln's own environment, read through the one child-env builder; tests pass their own. */
export interface ScratchpadOptions {
  hostEnv?: NodeJS.ProcessEnv;
  /** Runs the interpreter in the OS sandbox (artifact folder writable, venv read-only). */
  sandbox?: PythonSandbox;
}

/** The whole environment of a scratchpad: the child base, Python's I/O settings, the declared `DS_*`. */
export function scratchpadEnv(start: ScratchpadStart, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // Figures go to files: no GUI backend that would try to open a window.
  return childEnv({ host: hostEnv, python: true, extra: { MPLBACKEND: 'Agg' }, datasources: { declared: start.declared, vars: start.dsEnv } });
}

const MAX_CAPTURE = 1_000_000;

class Kernel {
  private readonly child: ChildProcess;
  private buffer = '';
  private rawOut = '';
  private rawErr = '';
  private pending: { id: number; resolve: (r: { ok: boolean; stdout: string; stderr: string }) => void; reject: (e: Error) => void } | null = null;
  private nextId = 1;
  dead = false;
  readonly signature: string;

  constructor(start: ScratchpadStart, cmd: SandboxedCommand) {
    this.signature = signatureOf(start);
    this.child = spawn(cmd.file, [...cmd.args, '-u', '-c', DRIVER], {
      cwd: start.cwd,
      env: cmd.env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    // Output written straight to fd 1/2 (a subprocess, a C extension) still belongs to the call.
    this.child.stdout?.on('data', (d: Buffer) => {
      if (this.rawOut.length < MAX_CAPTURE) this.rawOut += d.toString('utf8');
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      if (this.rawErr.length < MAX_CAPTURE) this.rawErr += d.toString('utf8');
    });
    const chan = this.child.stdio[3] as NodeJS.ReadableStream | null;
    chan?.on('data', (d: Buffer) => this.onChannel(d.toString('utf8')));
    this.child.on('error', (error) => this.fail(error));
    this.child.on('exit', (code, signal) => {
      this.fail(new Error(`Python exited (${signal ?? code}).${this.rawErr ? ` ${this.rawErr.slice(-2000)}` : ''}`));
    });
    this.child.stdin?.on('error', () => undefined);
  }

  private onChannel(text: string): void {
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      try {
        const msg = JSON.parse(line) as { id: number; ok: boolean; stdout: string; stderr: string };
        const p = this.pending;
        if (p && msg.id === p.id) {
          this.pending = null;
          // Give raw fd output a moment to arrive is not needed: pipes are drained before exit of the exec.
          p.resolve({ ok: msg.ok, stdout: this.rawOut + msg.stdout, stderr: this.rawErr + msg.stderr });
          this.rawOut = '';
          this.rawErr = '';
        }
      } catch {
        // Not a protocol line; ignore.
      }
    }
  }

  private fail(error: Error): void {
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    p?.reject(error);
  }

  run(code: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    if (this.dead) return Promise.reject(new Error('Python is not running.'));
    if (this.pending) return Promise.reject(new Error('Python is busy with another call.'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, resolve, reject };
      this.rawOut = '';
      this.rawErr = '';
      this.child.stdin?.write(`${JSON.stringify({ id, code })}\n`);
    });
  }

  kill(): void {
    this.dead = true;
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    try {
      if (process.platform !== 'win32') process.kill(-pid, 'SIGKILL');
      else this.child.kill('SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}

/** A kernel is replaced when the interpreter, folder or declared datasources change. */
function signatureOf(start: ScratchpadStart): string {
  return JSON.stringify([start.interpreter, start.cwd, Object.keys(start.dsEnv).sort(), start.declared.map((d) => `${d.engine}\0${d.name}`).sort()]);
}

export class PythonScratchpads {
  private readonly kernels = new Map<string, Kernel>();
  private readonly hostEnv: NodeJS.ProcessEnv;
  private readonly sandbox: PythonSandbox | undefined;

  constructor(options: ScratchpadOptions = {}) {
    this.hostEnv = options.hostEnv ?? process.env;
    this.sandbox = options.sandbox;
  }

  async run(
    slug: string,
    code: string,
    options: { start: () => Promise<ScratchpadStart>; timeoutMs: number; signal: AbortSignal },
  ): Promise<PythonRunResult> {
    const start = await options.start();
    let kernel = this.kernels.get(slug);
    let reset = false;
    const signature = signatureOf(start);
    if (kernel && (kernel.dead || kernel.signature !== signature)) {
      // Declared datasources changed (or it died): a new process with the new environment.
      reset = kernel.dead;
      kernel.kill();
      kernel = undefined;
    }
    if (!kernel) {
      const venvDir = path.dirname(path.dirname(start.interpreter));
      const cmd = await sandboxedCommand(this.sandbox, { kind: 'scratchpad', python: start.interpreter, artifactDir: start.cwd, venvDir, env: scratchpadEnv(start, this.hostEnv) });
      kernel = new Kernel(start, cmd);
      this.kernels.set(slug, kernel);
    }
    const k = kernel;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => k.kill();
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await Promise.race([
        k.run(code),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            k.kill();
            reject(new KilnError('TIMEOUT', `The Python code ran longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped; the Python state was reset.`));
          }, options.timeoutMs);
        }),
      ]);
      return { ...result, reset };
    } catch (error) {
      if (options.signal.aborted) throw new KilnError('CANCELLED', 'Stopped.');
      if (error instanceof KilnError) throw error;
      throw new KilnError('EXTERNAL', 'The Python process ended unexpectedly; its state was reset.', (error as Error).message);
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (k.dead) this.kernels.delete(slug);
    }
  }

  reset(slug: string): boolean {
    const kernel = this.kernels.get(slug);
    kernel?.kill();
    return this.kernels.delete(slug);
  }

  stopAll(): void {
    for (const kernel of this.kernels.values()) kernel.kill();
    this.kernels.clear();
  }
}
