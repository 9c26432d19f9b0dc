import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PreflightProblem } from '../../../shared/contract/publish';
import { cssRefs, htmlRefs } from './static-refs';
import { isFullstack, type PublishArtifactRecord } from './ports';

/** One file of the bundle: its name inside the zip and where it comes from on disk. */
export interface BundleEntry {
  name: string;
  abs: string;
  bytes: number;
}

export interface BundlePlan {
  kind: 'static' | 'fullstack';
  entries: BundleEntry[];
  warnings: PreflightProblem[];
  blocking: PreflightProblem[];
}

/** Never shipped, at any depth (anton-format.md §5.2). */
const EXCLUDED_NAMES = new Set(['README.md', 'metadata.json', 'backend.log', '.published.json']);
/** Owner-side files at the top level that are neither shipped nor worth a warning. */
const TOP_LEVEL_OWN = new Set(['metadata.json', 'README.md', '.published.json', 'backend.log', 'backend.py', 'requirements.txt', 'static']);

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Byte-order sort, so the zip's entry order never depends on locale. */
export function sortEntries(entries: BundleEntry[]): BundleEntry[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function regularFile(abs: string): Promise<number | null> {
  try {
    const st = await fs.lstat(abs);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Every regular file under `dir` (symlinks are never followed), as posix paths relative to `root`. */
async function walk(root: string, dir: string, out: BundleEntry[]): Promise<void> {
  let items: import('node:fs').Dirent[];
  try {
    items = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const item of items) {
    const abs = path.join(dir, item.name);
    if (item.isDirectory()) await walk(root, abs, out);
    else if (item.isFile() && !EXCLUDED_NAMES.has(item.name)) {
      const bytes = await regularFile(abs);
      if (bytes !== null) out.push({ name: toPosix(path.relative(root, abs)), abs, bytes });
    }
  }
}

async function planFullstack(dir: string): Promise<BundlePlan> {
  const entries: BundleEntry[] = [];
  const warnings: PreflightProblem[] = [];
  const blocking: PreflightProblem[] = [];
  for (const name of ['backend.py', 'requirements.txt']) {
    const bytes = await regularFile(path.join(dir, name));
    if (bytes === null) {
      blocking.push({ kind: 'missing-file', file: name, message: `${name} is missing, so the app can't run once published. Ask the agent to create it.` });
    } else entries.push({ name, abs: path.join(dir, name), bytes });
  }
  await walk(dir, path.join(dir, 'static'), entries);
  if (!entries.some((e) => e.name === 'static/index.html')) {
    warnings.push({ kind: 'missing-file', file: 'static/index.html', message: 'static/index.html is missing, so the published app has no start page.' });
  }
  let top: import('node:fs').Dirent[] = [];
  try {
    top = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    // A missing folder is reported by the missing backend.py above.
  }
  for (const item of top) {
    if (TOP_LEVEL_OWN.has(item.name) || item.name.startsWith('.')) continue;
    if (!item.isFile() && !item.isDirectory()) continue;
    const shown = item.isDirectory() ? `${item.name}/` : item.name;
    warnings.push({
      kind: 'unshipped-file',
      file: shown,
      message: `${shown} sits beside backend.py but is not published (only backend.py, requirements.txt and static/ ship). If the backend imports or reads it, the published app will fail.`,
    });
  }
  return { kind: 'fullstack', entries: sortEntries(entries), warnings, blocking };
}

/** Resolves `ref` against `fromDir` (both inside `root`); null when it would leave `base`. */
function inside(base: string, candidate: string): boolean {
  const rel = path.relative(base, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function planStatic(dir: string, primary: string | null): Promise<BundlePlan> {
  const warnings: PreflightProblem[] = [];
  const blocking: PreflightProblem[] = [];
  if (!primary) {
    blocking.push({ kind: 'missing-file', message: 'This artifact has no primary file, so there is nothing to publish. Set its main HTML file first.' });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  if (!/\.html?$/i.test(primary)) {
    blocking.push({ kind: 'unsupported-type', file: primary, message: `Only HTML pages can be published; the primary file ${primary} is not one.` });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  const primaryAbs = path.resolve(dir, primary);
  const realDir = await fs.realpath(dir);
  const primaryReal = await fs.realpath(primaryAbs).catch(() => null);
  const primaryBytes = inside(dir, primaryAbs) && primaryReal !== null && inside(realDir, primaryReal) ? await regularFile(primaryAbs) : null;
  if (primaryBytes === null) {
    blocking.push({ kind: 'missing-file', file: primary, message: `The primary file ${primary} is missing.` });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  // The primary becomes index.html at the root, so every reference is kept relative to its folder.
  const base = path.dirname(primaryAbs);
  const entries = new Map<string, BundleEntry>([['index.html', { name: 'index.html', abs: primaryAbs, bytes: primaryBytes }]]);
  const queue: { abs: string; css: boolean }[] = [{ abs: primaryAbs, css: false }];
  while (queue.length > 0) {
    const { abs: from, css } = queue.shift()!;
    const text = await fs.readFile(from, 'utf8');
    const refs = css ? cssRefs(text) : htmlRefs(text);
    const fromName = from === primaryAbs ? primary : toPosix(path.relative(dir, from));
    for (const ref of refs) {
      const target = path.resolve(path.dirname(from), ref);
      if (target === primaryAbs) continue;
      if (!inside(dir, target) || !inside(base, target)) {
        warnings.push({ kind: 'missing-file', file: fromName, message: `${fromName} refers to ${ref}, which is outside the page's folder and won't be published.` });
        continue;
      }
      const name = toPosix(path.relative(base, target));
      if (entries.has(name)) continue;
      if (EXCLUDED_NAMES.has(path.basename(name)) && path.dirname(target) === dir) continue;
      // A symlinked folder on the way could point anywhere: the real path must stay inside too.
      const real = await fs.realpath(target).catch(() => null);
      const bytes = real !== null && inside(realDir, real) ? await regularFile(target) : null;
      if (bytes === null) {
        warnings.push({ kind: 'missing-file', file: fromName, message: `${fromName} refers to ${ref}, which does not exist; the published page will miss it.` });
        continue;
      }
      if (name === 'index.html') {
        warnings.push({ kind: 'missing-file', file: name, message: `${name} is referenced but clashes with the published start page, so it is left out.` });
        continue;
      }
      entries.set(name, { name, abs: target, bytes });
      if (/\.css$/i.test(name)) queue.push({ abs: target, css: true });
      else if (/\.html?$/i.test(name)) queue.push({ abs: target, css: false });
    }
  }
  return { kind: 'static', entries: sortEntries([...entries.values()]), warnings, blocking };
}

export async function planBundle(dir: string, record: PublishArtifactRecord): Promise<BundlePlan> {
  return isFullstack(record.type) ? planFullstack(dir) : planStatic(dir, record.primary);
}
