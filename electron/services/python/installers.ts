import type { ChildEnv } from '../process/child-env';
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Which program installs requirements into a pip-less venv, fastest first:
 * - `uv` when it is on PATH (`uv pip install --python <venv python>`), 10–100× faster than pip;
 * - pip the venv can already import (a pip-less venv with system site packages sees the
 *   system's pip), run by the venv's python: one process, no ensurepip;
 * - else the base interpreter's pip aimed at the venv (`python -m pip --python <venv python>`,
 *   pip ≥ 22.3), so the venv never needs ensurepip (most of a cold start's cost);
 * - else the venv's own pip, added with ensurepip as the last resort.
 * A failing uv falls back to pip (its error stays in the log).
 */
export type InstallerKind = 'uv' | 'base-pip' | 'venv-pip';

export interface Installer {
  kind: InstallerKind;
  command: string;
  /** Arguments before the requirement options (`-r file`, pip args). */
  args: string[];
  label: string;
}

export async function findOnPath(name: string, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const names = platform === 'win32' ? [`${name}.exe`] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        const s = await fs.stat(file);
        if (s.isFile() && (platform === 'win32' || (s.mode & 0o111) !== 0)) return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** pip's version from `python -m pip --version`, or null when the interpreter has no pip. */
export async function pipVersion(python: string, env: ChildEnv): Promise<[number, number] | null> {
  const r = await execa(python, ['-m', 'pip', '--version', '--disable-pip-version-check'], { reject: false, extendEnv: false, env, timeout: 20_000, stdin: 'ignore' });
  const m = r.exitCode === 0 ? /^pip (\d+)\.(\d+)/.exec(String(r.stdout)) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export const supportsPythonOption = (v: [number, number] | null): boolean => v !== null && (v[0] > 22 || (v[0] === 22 && v[1] >= 3));

export function uvInstaller(uv: string, venvPython: string): Installer {
  return { kind: 'uv', command: uv, args: ['pip', 'install', '--python', venvPython], label: `uv (${uv})` };
}

export function basePipInstaller(base: string, venvPython: string): Installer {
  return { kind: 'base-pip', command: base, args: ['-m', 'pip', '--python', venvPython, 'install', '--disable-pip-version-check', '--no-input'], label: `pip of ${base}, aimed at the venv` };
}

export function venvPipInstaller(venvPython: string): Installer {
  return { kind: 'venv-pip', command: venvPython, args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'], label: "pip inside the venv" };
}

/**
 * pip's options that uv understands are passed through; the rest (`--retries`, `--timeout`,
 * `--disable-pip-version-check` …) are pip-only and dropped, so uv gets the same index and
 * dependency choices the user set for pip.
 */
export function uvArgsFromPipArgs(pipArgs: readonly string[]): string[] {
  const withValue = new Set(['--index-url', '-i', '--extra-index-url', '--find-links', '-f', '--constraint', '-c']);
  const flags = new Set(['--no-index', '--no-deps', '--pre', '--upgrade', '-U', '--reinstall', '--no-build-isolation']);
  const out: string[] = [];
  for (let i = 0; i < pipArgs.length; i++) {
    const a = pipArgs[i]!;
    const [key] = a.split('=', 1) as [string];
    if (withValue.has(key)) {
      if (a.includes('=')) out.push(a);
      else if (i + 1 < pipArgs.length) out.push(a, pipArgs[++i]!);
    } else if (flags.has(a)) out.push(a);
    else if (/^--(retries|timeout|proxy|cert|trusted-host|progress-bar|cache-dir)$/.test(key) && !a.includes('=')) i++;
  }
  return out;
}
