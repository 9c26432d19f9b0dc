import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { ResultPromise } from 'execa';
import type { SandboxedCommand } from '../sandbox/types';
import { signalGroup } from './process-group';
import { tcpOpen } from './readiness';

/**
 * A spare interpreter ("started ahead") for a running backend, so a live restart skips
 * Python's own start and the imports `backend.py` takes from outside its folder (the standard
 * library, the venv's packages): on this machine `python3 -c pass` is 32 ms and importing
 * `http.server, json, argparse` 107 ms; FastAPI and uvicorn take several hundred.
 *
 * The spare is the very command a restart would run (same sandbox, venv, environment,
 * working folder and `backend.py --port N` on its command line, so the orphan reaper
 * recognises it), with `-c SPARE_LOADER` before `backend.py`. The loader imports, with its
 * output discarded, the modules of `backend.py`'s *leading* import block (after the docstring,
 * up to the first other statement: code before an import — `monkey.patch_all()`, an
 * `os.environ` setting, a `sys.path` insert — must run first, as in a cold start) that live
 * outside the artifact's folder — never the app's own modules, which may be what changed —
 * then says `warm` on fd 3 and waits. On `go` it runs the `backend.py` on disk *then* as
 * `__main__`, exactly as `python backend.py --port N` would (same `sys.argv` and
 * `sys.orig_argv` — a reloader that re-executes itself starts cold —, `sys.path[0]`,
 * `__file__`, `__builtins__`, tracebacks, exit code, death by SIGINT). When fd 3 closes (Kiln
 * dropped the spare, or Kiln is gone) it exits.
 *
 * A spare is used only when the restart's command, environment and requirements equal the
 * ones it was started with (`spareKey`); anything else (a grant, a datasource, a setting, a
 * reinstall) drops it and the restart starts cold.
 */
export const SPARE_LOADER = String.raw`import os, sys
def _kiln_imports(here):
    import ast, importlib.util
    with open('backend.py', 'rb') as f:
        tree = ast.parse(f.read())
    names = []
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module != '__future__':
                names.append(node.module)
        elif not (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            break
    for name in dict.fromkeys(names):
        try:
            spec = importlib.util.find_spec(name.split('.')[0])
            if spec is None:
                continue
            where = spec.origin if spec.has_location else None
            if where is None and spec.submodule_search_locations:
                where = next(iter(spec.submodule_search_locations), None)
            if where and os.path.abspath(where).startswith(here + os.sep):
                continue
            __import__(name)
        except BaseException:
            pass
def _kiln_warm(here, null):
    saved = (os.dup(1), os.dup(2))
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        _kiln_imports(here)
    except BaseException:
        pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
def _kiln_run(path):
    import builtins, importlib, importlib.machinery, signal, types
    main = types.ModuleType('__main__')
    main.__file__ = path
    main.__cached__ = None
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader('__main__', path)
    sys.modules['__main__'] = main
    importlib.invalidate_caches()
    with open(path, 'rb') as f:
        source = f.read()
    try:
        code = compile(source, path, 'exec')
    except (SyntaxError, ValueError) as e:
        e.__traceback__ = None
        sys.excepthook(type(e), e, None)
        sys.exit(1)
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        e.__traceback__ = e.__traceback__.tb_next
        sys.excepthook(type(e), e, e.__traceback__)
        if isinstance(e, KeyboardInterrupt):
            sys.stdout.flush()
            sys.stderr.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        sys.exit(1)
def _kiln_spare():
    here = os.getcwd()
    sys.argv = sys.argv[1:]
    if hasattr(sys, 'orig_argv'):
        sys.orig_argv = [sys.orig_argv[0], *sys.argv]
    sys.path[0] = here
    null = os.open(os.devnull, os.O_RDWR)
    _kiln_warm(here, null)
    os.write(3, b'warm\n')
    if os.read(3, 16) != b'go\n':
        os._exit(0)
    os.close(3)
    os.dup2(null, 0)
    os.close(null)
    _kiln_run(os.path.join(here, 'backend.py'))
_kiln_spare()
`;

/** The arguments that turn the backend's command into a spare (before `backend.py --port N`). */
export const SPARE_ARGS: readonly string[] = ['-c', SPARE_LOADER];

/** How long after a backend (re)starts its spare is started: never competing with that start's page load. */
export const SPARE_DELAY_MS = 1000;

/**
 * What a spare must equal to stand in for a restart: the whole command, its environment, the
 * requirements and the venv's packages as they were (`venvStamp`).
 */
export function spareKey(cmd: Pick<SandboxedCommand, 'file' | 'args' | 'env'>, requirements: string, venv: string): string {
  const env = Object.entries(cmd.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([cmd.file, cmd.args, env, requirements, venv])).digest('hex');
}

/**
 * The venv's installed packages, as far as a spare cares: the mtime of each `site-packages`
 * folder (installing or removing a package — by Kiln, anton or a shell — changes it).
 */
export async function venvStamp(venvDir: string): Promise<string> {
  const lib = path.join(venvDir, 'lib');
  const stamps: string[] = [];
  for (const name of (await fs.readdir(lib).catch(() => [] as string[])).sort()) {
    const site = path.join(lib, name, 'site-packages');
    const st = await fs.stat(site).catch(() => null);
    if (st?.isDirectory()) stamps.push(`${site}:${st.mtimeMs}`);
  }
  return stamps.join('|');
}

export interface Spare {
  slug: string;
  key: string;
  port: number;
  pid: number;
  child: ResultPromise;
  cmd: SandboxedCommand;
  /** True once the loader said `warm` (its imports are done). */
  warm: boolean;
}

/** The spare's control channel (fd 3, a socket pair). */
function channel(child: ResultPromise): Duplex | null {
  return (child.stdio[3] as Duplex | undefined) ?? null;
}

/** Listens for the loader's `warm` (sets `spare.warm`); `onGone` runs when the process exits. */
export function watchSpare(spare: Spare, onGone: () => void): void {
  const ch = channel(spare.child);
  let seen = '';
  ch?.on('data', (chunk: Buffer) => {
    seen += chunk.toString('latin1');
    if (seen.includes('warm\n')) spare.warm = true;
  });
  ch?.on('error', () => undefined);
  void spare.child.then(onGone, onGone);
}

/** Tells a warm spare to run `backend.py` now; false when its channel is gone. */
function goSpare(spare: Spare): boolean {
  const ch = channel(spare.child);
  if (!ch || ch.destroyed || !spare.warm) return false;
  ch.write('go\n');
  return true;
}

export interface SparesOptions {
  /** Runs `fn` in the artifact's operation queue, so a spare never races a launch or a stop. */
  serial(slug: string, fn: () => Promise<void>): Promise<void>;
  /** A spare exited (used up, dropped or died): its journal entry ends. */
  gone(spare: Spare): void;
  delayMs: number;
}

/** At most one spare per artifact: offered after a (re)start, taken by the next live restart. */
export class Spares {
  private readonly bySlug = new Map<string, Spare>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: SparesOptions) {}

  /** The pid of this artifact's warm spare, or null. */
  warmPid(slug: string): number | null {
    const spare = this.bySlug.get(slug);
    return spare?.warm ? spare.pid : null;
  }

  /** Starts a spare with `make` after the delay (a newer offer replaces a planned one), unless one exists. */
  offer(slug: string, make: () => Promise<Spare | null>): void {
    const planned = this.timers.get(slug);
    if (planned) clearTimeout(planned);
    const timer = setTimeout(() => {
      this.timers.delete(slug);
      void this.o.serial(slug, async () => {
        if (this.bySlug.has(slug)) return;
        const spare = await make();
        if (!spare) return;
        this.bySlug.set(slug, spare);
        watchSpare(spare, () => {
          if (this.bySlug.get(slug) === spare) this.bySlug.delete(slug);
          this.o.gone(spare);
        });
      }).catch(() => undefined);
    }, this.o.delayMs);
    timer.unref();
    this.timers.set(slug, timer);
  }

  /**
   * The warm spare made for exactly this command (`key`), told to run `backend.py` now; or null,
   * and any other spare is stopped. Its port was picked when it started: if anything listens
   * there now, it can't be used.
   */
  async take(slug: string, key: string): Promise<Spare | null> {
    const spare = this.bySlug.get(slug);
    if (!spare) return null;
    this.bySlug.delete(slug);
    if (spare.key === key && spare.warm && !(await tcpOpen('127.0.0.1', spare.port)) && goSpare(spare)) return spare;
    void this.stop(spare);
    return null;
  }

  async drop(slug: string): Promise<void> {
    const timer = this.timers.get(slug);
    if (timer) clearTimeout(timer);
    this.timers.delete(slug);
    const spare = this.bySlug.get(slug);
    this.bySlug.delete(slug);
    if (spare) await this.stop(spare);
  }

  async dropAll(): Promise<void> {
    await Promise.all([...new Set([...this.bySlug.keys(), ...this.timers.keys()])].map((slug) => this.drop(slug)));
  }

  /** A spare has done nothing the user can see: it goes at once, with its group. */
  async stop(spare: Spare): Promise<void> {
    signalGroup(spare.pid, 'SIGKILL');
    await Promise.race([spare.child.then(() => undefined, () => undefined), new Promise((r) => setTimeout(r, 2000))]);
  }
}
