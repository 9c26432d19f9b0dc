import type { IsolationStatus, PythonChild } from './app-sandbox';
import type { SandboxedCommand } from './types';

/** What a spawner needs from the sandbox (`AppSandbox` satisfies it); absent in tests that don't care. */
export interface PythonSandbox {
  forPython(child: PythonChild): Promise<SandboxedCommand>;
  /** Throws the "Isolate apps is set to require" error when apps can't be isolated here. */
  assertUsable(): Promise<void>;
  /** For the status panel, Diagnostics and first run: are apps isolated here, and if not, how to fix it. */
  status(refresh?: boolean): Promise<IsolationStatus>;
}

/**
 * The command a spawner runs for model-written Python: sandboxed when a sandbox is given,
 * else unchanged. Spawn `file` with `[...args, <your arguments>]` and `env`.
 */
export async function sandboxedCommand(sandbox: PythonSandbox | undefined, child: PythonChild): Promise<SandboxedCommand> {
  if (!sandbox) return { file: child.python, args: [], env: child.env, isolated: false, tool: 'none' };
  return sandbox.forPython(child);
}

/**
 * pip/uv for an install (the one call `install-run.ts` makes at its spawn): the installer
 * may write only the venv, read the artifact folder and local wheel folders named in the pip
 * arguments, and reach the network as before.
 */
export function sandboxedInstall(
  sandbox: PythonSandbox | undefined,
  o: { command: string; venvPython: string; cwd: string; env: Record<string, string>; pipArgs: readonly string[] },
): Promise<SandboxedCommand> {
  return sandboxedCommand(sandbox, { kind: 'pip', python: o.command, venvPython: o.venvPython, artifactDir: o.cwd, venvDir: venvOf(o.venvPython), env: o.env, pipArgs: o.pipArgs });
}

/** `<venv>/bin/python` → `<venv>` (`Scripts\python.exe` on Windows). */
function venvOf(venvPython: string): string {
  const parts = venvPython.split(/[\\/]/);
  return parts.slice(0, -2).join(venvPython.includes('\\') && !venvPython.includes('/') ? '\\' : '/');
}
