import { execa, type ResultPromise } from 'execa';
import type { ChildEnv } from '../process/child-env';
import { sandboxedCommand, type PythonSandbox } from '../sandbox/port';
import type { SandboxedCommand } from '../sandbox/types';
import { allInOrder } from './in-order';
import { BACKEND_MARK_VAR, type PidRegistry } from './pid-registry';
import { SPARE_ARGS } from './spare';

/** What a (re)start runs: the venv's python in the artifact's folder, with this environment. */
export interface Launch {
  python: string;
  dir: string;
  /** Built by `childEnv` (the base a backend may see, plus its declared `DS_*`). */
  env: ChildEnv;
  requirements: string;
}

/** A spawned backend (or spare) process and the command it runs. */
export interface Started {
  child: ResultPromise;
  cmd: SandboxedCommand;
}

/** What spawning needs from the supervisor. */
export interface Spawning {
  registry: PidRegistry;
  sandbox?: PythonSandbox;
  venvDir(slug: string): string;
}

/** The sandboxed command that runs this artifact's Python (`backend.py --port N` is appended). */
export function backendCommand(s: Spawning, slug: string, launch: Launch): Promise<SandboxedCommand> {
  return sandboxedCommand(s.sandbox, { kind: 'backend', python: launch.python, artifactDir: launch.dir, venvDir: s.venvDir(slug), env: launch.env });
}

/**
 * Spawns `backend.py --port N` (or a spare: the loader first), detached in its own group,
 * with the intent in the journal before the process exists and the run id in its environment.
 * Null when the process could not be started.
 */
export async function spawnBackend(s: Spawning, slug: string, launch: Launch, port: number, o: { cmd?: SandboxedCommand; spare?: boolean } = {}): Promise<Started | null> {
  const [runId, cmd] = await allInOrder([
    s.registry.intent({ slug, port, python: launch.python, dir: launch.dir, startedAt: new Date().toISOString(), ownerPid: process.pid }),
    o.cmd ? Promise.resolve(o.cmd) : backendCommand(s, slug, launch),
  ] as const);
  const child = execa(cmd.file, [...cmd.args, ...(o.spare ? SPARE_ARGS : []), 'backend.py', '--port', String(port)], {
    cwd: launch.dir,
    env: { ...cmd.env, [BACKEND_MARK_VAR]: runId },
    extendEnv: false,
    detached: true,
    // A spare's fd 3 is its control channel (spare.ts); stdin is /dev/null either way.
    stdio: o.spare ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    buffer: false,
    reject: false,
    windowsHide: true,
  });
  if (child.pid === undefined) {
    void s.registry.end(runId);
    return null;
  }
  void s.registry.pid(runId, child.pid);
  return { child, cmd };
}
