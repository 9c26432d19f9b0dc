import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The folders an interpreter needs to run, read-only: for a venv python its venv and the
 * base installation named in `pyvenv.cfg`; for a plain one its installation. An installation
 * outside the system folders (pyenv, Homebrew, python.org) is bound as `<prefix>/bin` and
 * `<prefix>/lib` only, so a Python at `~/bin/python3` never exposes the whole home folder.
 */
export async function interpreterRoots(python: string, systemPaths: readonly string[]): Promise<string[]> {
  const roots: string[] = [];
  const underSystem = (p: string): boolean => systemPaths.some((s) => p === s || p.startsWith(`${s}/`));
  const addPrefix = (prefix: string): void => {
    if (underSystem(prefix)) return;
    for (const sub of ['bin', 'lib']) roots.push(path.join(prefix, sub));
  };
  const venv = path.dirname(path.dirname(python));
  const cfg = await fs.readFile(path.join(venv, 'pyvenv.cfg'), 'utf8').catch(() => null);
  if (cfg !== null) {
    roots.push(venv);
    const home = /^\s*home\s*=\s*(.+?)\s*$/m.exec(cfg)?.[1];
    if (home) addPrefix(path.dirname(await fs.realpath(home).catch(() => home)));
  }
  const real = await fs.realpath(python).catch(() => python);
  addPrefix(path.dirname(path.dirname(real)));
  const existing: string[] = [];
  for (const r of [...new Set(roots)]) if (await fs.stat(r).then((s) => s.isDirectory(), () => false)) existing.push(r);
  return existing;
}

/** Absolute folders named in pip arguments (`--find-links /opt/wheels`, `-f`, `file://` indexes), to be readable. */
export async function pipArgFolders(pipArgs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const raw of pipArgs) {
    const value = raw.includes('=') && raw.startsWith('-') ? raw.slice(raw.indexOf('=') + 1) : raw;
    const p = value.startsWith('file://') ? decodeURIComponent(value.slice('file://'.length)) : value;
    if (!path.isAbsolute(p)) continue;
    const stat = await fs.stat(p).catch(() => null);
    if (stat) out.push(stat.isDirectory() ? p : path.dirname(p));
  }
  return [...new Set(out)];
}
