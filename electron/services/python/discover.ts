import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import type { PythonInfo } from '../../../shared/contract/backends';
import { chosenInterpreter, isSupported, probeVersion } from './interpreter';

async function isExecutable(file: string): Promise<boolean> {
  try {
    const s = await fs.stat(file);
    return s.isFile();
  } catch {
    return false;
  }
}

/** python3/python on PATH, then the places installers usually put Python. */
export async function candidatePaths(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<string[]> {
  const names = platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const out: string[] = [];
  for (const d of dirs) for (const n of names) out.push(path.join(d, n));
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
    for (const base of [path.join(local, 'Programs', 'Python'), 'C:\\Program Files', 'C:\\Python']) {
      const entries = await fs.readdir(base).catch(() => [] as string[]);
      for (const e of entries.filter((x) => /^Python3\d+/i.test(x)).sort().reverse()) out.push(path.join(base, e, 'python.exe'));
    }
  } else {
    out.push('/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3');
    const fw = '/Library/Frameworks/Python.framework/Versions';
    const versions = await fs.readdir(fw).catch(() => [] as string[]);
    for (const v of versions.sort().reverse()) out.push(path.join(fw, v, 'bin', 'python3'));
  }
  return [...new Set(out)];
}

export const PYTHON_FIX =
  'Install Python 3.9 or newer (python.org, or your package manager), or set its path in Settings → Python & Backends (or the KILN_PYTHON environment variable).';

/**
 * The interpreter the settings select: the `python.interpreter` setting, else
 * `KILN_PYTHON`, else the first Python >= 3.9 found. An explicit choice that does not work is
 * an error (we never silently use another interpreter than the one the user named).
 */
export async function findPython(setting: string, env: NodeJS.ProcessEnv): Promise<PythonInfo> {
  const explicit = chosenInterpreter(setting, env);
  if (explicit) {
    const where = explicit.source === 'setting' ? 'Settings → Python & Backends' : 'KILN_PYTHON';
    const version = await probeVersion(explicit.path, env);
    if (!version) {
      throw new KilnError('UNAVAILABLE', `The Python interpreter "${explicit.path}" (from ${where}) does not run. Fix the path there, or clear it to let Kiln find Python.`);
    }
    if (!isSupported(version)) {
      throw new KilnError('UNSUPPORTED', `The Python at "${explicit.path}" (from ${where}) is ${version}; Kiln needs 3.9 or newer. Point ${where} at a newer Python.`);
    }
    return { path: explicit.path, version, source: explicit.source };
  }
  const tried: string[] = [];
  for (const candidate of await candidatePaths(env)) {
    if (!(await isExecutable(candidate))) continue;
    const version = await probeVersion(candidate, env);
    if (!version) continue;
    if (isSupported(version)) return { path: candidate, version, source: 'discovered' };
    tried.push(`${candidate} (${version})`);
  }
  const found = tried.length > 0 ? ` Found only older versions: ${tried.join(', ')}.` : '';
  throw new KilnError('UNAVAILABLE', `Python 3.9 or newer was not found.${found} ${PYTHON_FIX}`);
}
