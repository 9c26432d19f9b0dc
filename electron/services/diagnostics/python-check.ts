import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PythonInfo } from '../../../shared/contract/backends';
import type { PythonCheck } from '../../../shared/contract/diagnostics';
import { childEnv } from '../process/child-env';
import { venvPythonIn } from '../python/interpreter';

const VENV_FIX =
  "Python's venv module is missing or broken. On Debian/Ubuntu: sudo apt install python3-venv; elsewhere reinstall Python from python.org, then check again.";

/**
 * Is there a usable Python (>= 3.9), and can it make a venv that runs? `find` is the
 * interpreter lookup the backends use, so the answer matches what a launch will do.
 */
export async function checkPython(find: () => Promise<PythonInfo>, options: { venv: boolean }): Promise<PythonCheck> {
  let info: PythonInfo;
  try {
    info = await find();
  } catch (error) {
    return { found: false, venvWorks: null, problem: error instanceof Error ? error.message : String(error) };
  }
  const base = { found: true, path: info.path, version: info.version, source: info.source };
  if (!options.venv) return { ...base, venvWorks: null };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-venv-check-'));
  try {
    // The same environment a launch gives venv creation and pip.
    const env = childEnv({ python: true, inherit: ['pip'] });
    // With pip, as the launcher needs it; Debian's python without python3-venv fails right here.
    const made = await execa(info.path, ['-m', 'venv', path.join(dir, 'venv')], { reject: false, extendEnv: false, env, all: true, timeout: 120_000 });
    if (made.exitCode !== 0) return { ...base, venvWorks: false, problem: VENV_FIX };
    const py = venvPythonIn(path.join(dir, 'venv'));
    const ran = await execa(py, ['-c', 'import sys, pip; print(sys.prefix)'], { reject: false, extendEnv: false, env, timeout: 30_000 });
    return ran.exitCode === 0 ? { ...base, venvWorks: true } : { ...base, venvWorks: false, problem: VENV_FIX };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
