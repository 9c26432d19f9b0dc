import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';
import { safeReadText } from '../fs/safe-read';

/**
 * The files inside an artifact's venv (`<ws>/.anton/scratchpad-venvs/<slug>`) that say how it
 * was made — Kiln's own marker and the two anton reads — so both tools reuse one venv:
 * - `.kiln-venv.json` (Kiln): base interpreter, its version, system-site-packages, and the
 *   hash of the last successful install;
 * - `.python_version` (anton): `major.minor` of the interpreter that made it; anton recycles
 *   a venv whose file matches its own Python and deletes it otherwise;
 * - `requirements.txt` (anton): the packages anton installed, one lower-cased line each;
 *   anton skips installing what is listed;
 * - `pyvenv.cfg` (Python): `home`, `include-system-site-packages`, `version`.
 */
export interface KilnVenvMarker {
  base: string;
  baseVersion: string;
  systemSitePackages: boolean;
  /** Hash of the requirements (and pip args) of the last successful install. */
  requirementsHash: string | null;
}

export const KILN_MARKER = '.kiln-venv.json';
export const ANTON_VERSION_FILE = '.python_version';
export const ANTON_INSTALLED_FILE = 'requirements.txt';

export async function readKilnMarker(venv: string): Promise<KilnVenvMarker | null> {
  const text = await readRegularText(path.join(venv, KILN_MARKER), 64 * 1024);
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as Partial<KilnVenvMarker>;
    if (typeof m.base !== 'string' || typeof m.baseVersion !== 'string' || typeof m.systemSitePackages !== 'boolean') return null;
    return { base: m.base, baseVersion: m.baseVersion, systemSitePackages: m.systemSitePackages, requirementsHash: typeof m.requirementsHash === 'string' ? m.requirementsHash : null };
  } catch {
    return null;
  }
}

export async function writeKilnMarker(venv: string, marker: KilnVenvMarker): Promise<void> {
  await writeFileAtomic(path.join(venv, KILN_MARKER), toPrettyJson(marker));
}

/** anton's `.python_version` content (`3.11`), or null. */
export async function readAntonVersion(venv: string): Promise<string | null> {
  const text = await readRegularText(path.join(venv, ANTON_VERSION_FILE), 1024);
  const v = text?.trim() ?? '';
  return /^\d+\.\d+$/.test(v) ? v : null;
}

/** Written exactly as anton writes it, so anton recycles a venv Kiln made. */
export async function writeAntonVersion(venv: string, majorMinor: string): Promise<void> {
  await writeFileAtomic(path.join(venv, ANTON_VERSION_FILE), `${majorMinor}\n`);
}

/** Adds what Kiln installed to anton's list (lower-cased, sorted, no duplicates). */
export async function recordAntonInstalled(venv: string, lines: readonly string[]): Promise<void> {
  const file = path.join(venv, ANTON_INSTALLED_FILE);
  const existing = ((await readRegularText(file, 1024 * 1024)) ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const all = [...new Set([...existing, ...lines.map((l) => l.trim().toLowerCase())])].sort();
  await writeFileAtomic(file, all.length ? `${all.join('\n')}\n` : '');
}

export interface PyvenvCfg {
  home: string | null;
  systemSitePackages: boolean | null;
  version: string | null;
}

export async function readPyvenvCfg(venv: string): Promise<PyvenvCfg | null> {
  const text = await readRegularText(path.join(venv, 'pyvenv.cfg'), 64 * 1024);
  if (text === null) return null;
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) values.set(m[1]!.toLowerCase(), m[2]!);
  }
  const ssp = values.get('include-system-site-packages');
  return {
    home: values.get('home') ?? null,
    systemSitePackages: ssp === undefined ? null : ssp.toLowerCase() === 'true',
    version: values.get('version') ?? values.get('version_info') ?? null,
  };
}

/** A small marker file's text, or null when it is missing, not a plain file, or too big. */
function readRegularText(file: string, maxBytes: number): Promise<string | null> {
  return safeReadText(file, { maxBytes }).catch(() => null);
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
