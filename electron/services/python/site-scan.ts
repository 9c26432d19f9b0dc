import type { ChildEnv } from '../process/child-env';
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MarkerEnv } from './markers';
import { normaliseName, type Inventory, type InstalledDist } from './requirement-check';

/**
 * The venv's installed distributions read straight from its site folders, without starting
 * its interpreter: `<name>-<version>.dist-info` / `.egg-info` entries, in `sys.path` order
 * (the first one wins, as for `import`). What the base interpreter contributes (its site
 * folders, the marker values) is asked once per interpreter per process. A cold launch thus
 * checks requirements in a few milliseconds instead of a ~100 ms Python start.
 */
export interface BaseSite {
  /** `site.getsitepackages()` of the base interpreter. */
  sitePackages: string[];
  env: MarkerEnv;
  /** `python3.11` — the folder name under the venv's `lib/`. */
  libName: string;
}

const BASE_SCRIPT = `
import json, os, platform, site, sys
impl = sys.implementation
print(json.dumps({
  'sitePackages': site.getsitepackages(),
  'libName': 'python%d.%d' % sys.version_info[:2],
  'env': {
    'os_name': os.name, 'sys_platform': sys.platform, 'platform_machine': platform.machine(),
    'platform_python_implementation': platform.python_implementation(),
    'platform_release': platform.release(), 'platform_system': platform.system(),
    'python_version': '%d.%d' % sys.version_info[:2], 'python_full_version': platform.python_version(),
    'implementation_name': impl.name, 'implementation_version': '%d.%d.%d' % impl.version[:3],
  },
}))
`;

const baseCache = new Map<string, Promise<BaseSite | null>>();

export function baseSite(base: string, env: ChildEnv): Promise<BaseSite | null> {
  let hit = baseCache.get(base);
  if (!hit) {
    hit = execa(base, ['-I', '-c', BASE_SCRIPT], { reject: false, extendEnv: false, env, timeout: 20_000, stdin: 'ignore' }).then((r) => {
      if (r.exitCode !== 0) return null;
      try {
        return JSON.parse(String(r.stdout)) as BaseSite;
      } catch {
        return null;
      }
    });
    baseCache.set(base, hit);
  }
  return hit;
}

/** The venv's own site folder, as `venv` lays it out. */
export function venvSitePackages(venv: string, libName: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.join(venv, 'Lib', 'site-packages') : path.join(venv, 'lib', libName, 'site-packages');
}

/** Folders a `.pth` file adds (path lines only; `import` lines are code and are not run). */
async function pthFolders(site: string): Promise<string[]> {
  const names = await fs.readdir(site).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.pth')).sort()) {
    const text = await fs.readFile(path.join(site, name), 'utf8').catch(() => '');
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || /^import[\s\t]/.test(line)) continue;
      out.push(path.resolve(site, line));
    }
  }
  return out;
}

const META_DIR = /^(.+?)-([^-]+?)(?:-py\d+(?:\.\d+)*)?(?:-[^-]+)?\.(dist-info|egg-info)$/i;

async function requiresOf(dir: string, kind: string): Promise<string[]> {
  if (kind.toLowerCase() === 'dist-info') {
    const text = await fs.readFile(path.join(dir, 'METADATA'), 'utf8').catch(() => '');
    const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
    return head.split(/\r?\n/).filter((l) => /^Requires-Dist:/i.test(l)).map((l) => l.replace(/^Requires-Dist:\s*/i, '').trim());
  }
  // egg-info: requires.txt, with `[extra]` / `[extra:marker]` sections.
  const text = await fs.readFile(path.join(dir, 'requires.txt'), 'utf8').catch(() => '');
  const out: string[] = [];
  let section: { extra: string; marker: string } | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^\[([^:\]]*)(?::(.*))?\]$/.exec(line);
    if (m) {
      section = { extra: m[1]!.trim(), marker: (m[2] ?? '').trim() };
      continue;
    }
    // The order importlib.metadata gives: the section's marker first, then the extra.
    const markers = [section?.marker ? `(${section.marker})` : '', section?.extra ? `extra == "${section.extra}"` : ''].filter(Boolean);
    out.push(markers.length ? `${line}; ${markers.join(' and ')}` : line);
  }
  return out;
}

/**
 * Installed distributions in the given folders, first occurrence winning. `Requires-Dist` is
 * read only for `withRequires` names (the ones asked for with extras).
 */
export async function scanDistributions(folders: readonly string[], withRequires: ReadonlySet<string>): Promise<Record<string, InstalledDist>> {
  const dists: Record<string, InstalledDist> = {};
  for (const folder of folders) {
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const m = META_DIR.exec(name);
      if (!m) continue;
      const key = normaliseName(m[1]!);
      if (dists[key]) continue;
      dists[key] = { version: m[2]!, requires: withRequires.has(key) ? await requiresOf(path.join(folder, name), m[3]!) : [] };
    }
  }
  return dists;
}

/**
 * The venv's inventory without running it, or null when the fast read doesn't apply (the
 * venv was made by another interpreter than `base`, e.g. an adopted anton venv): the caller
 * then asks the venv's own interpreter.
 */
export async function scanVenv(opts: { venv: string; base: string; systemSitePackages: boolean; env: ChildEnv; home: string | null; withRequires: ReadonlySet<string> }): Promise<Inventory | null> {
  if (opts.home === null || path.resolve(opts.home) !== path.dirname(path.resolve(opts.base))) return null;
  const site = await baseSite(opts.base, opts.env);
  if (!site) return null;
  const own = venvSitePackages(opts.venv, site.libName);
  const folders = [own, ...(await pthFolders(own)), ...(opts.systemSitePackages ? site.sitePackages : [])];
  return { env: site.env, dists: await scanDistributions(folders, opts.withRequires) };
}
