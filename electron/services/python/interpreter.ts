import { execa } from 'execa';
import path from 'node:path';
import { preferSetting } from '../config/prefer-setting';
import { childEnv } from '../process/child-env';

/**
 * The one home of what Kiln knows about a Python interpreter and its venvs: where an
 * artifact's venv lives (anton's place), where the python inside a venv is on each OS, how an
 * interpreter's version is probed, which versions are supported, and which interpreter the
 * user chose (the setting, else `KILN_PYTHON`).
 */

export const MIN_PYTHON: readonly [number, number] = [3, 9];

/** `<ws>/.anton/scratchpad-venvs/<slug>` (anton-format.md §1). */
export function venvDirFor(workspace: string, slug: string): string {
  return path.join(workspace, '.anton', 'scratchpad-venvs', slug);
}

/** The interpreter inside a venv: `bin/python`, or `Scripts\python.exe` on Windows. */
export function venvPythonIn(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

const VERSION_SCRIPT = "import sys; print('%d.%d.%d' % sys.version_info[:3])";

/**
 * Runs `<python> -c …` with the child environment every spawner uses and returns its
 * `major.minor.patch`, or null when it is not a working Python (missing, not executable,
 * prints something else, hangs past 10 s).
 */
export async function probeVersion(python: string, host: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  try {
    const r = await execa(python, ['-c', VERSION_SCRIPT], { timeout: 10_000, reject: false, extendEnv: false, env: childEnv({ host, python: true }), stdin: 'ignore' });
    const v = r.exitCode === 0 ? String(r.stdout).trim() : '';
    return /^\d+\.\d+\.\d+$/.test(v) ? v : null;
  } catch {
    return null;
  }
}

/** `3.11.4` → `3.11`. */
export function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

export function isSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/**
 * The interpreter the user named: the `python.interpreter` setting, else `KILN_PYTHON`;
 * null means "find one" (discovery).
 */
export function chosenInterpreter(setting: string, env: NodeJS.ProcessEnv): { path: string; source: 'setting' | 'env' } | null {
  const chosen = preferSetting(setting, env.KILN_PYTHON);
  return chosen.source === 'default' ? null : { path: chosen.value, source: chosen.source };
}
