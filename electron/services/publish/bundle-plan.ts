import path from 'node:path';
import {
  BACKEND_LOG_FILE,
  isBookkeepingFile,
  isFullstackType,
  isPublishStateFile,
  METADATA_FILE,
  PUBLISHED_STATE_FILE,
  README_FILE,
} from '../../../shared/artifacts/rules';
import type { PreflightProblem } from '../../../shared/contract/publish';
import { antonOrder, antonStaticEntries } from './anton-selection';
import { cssRefs, htmlRefs } from './static-refs';
import type { ArtifactFilesPort, PublishArtifactRecord } from './ports';

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
  /** Static only: anton's smaller selection of the same page, when it differs (see anton-selection.ts). */
  antonEntries?: BundleEntry[] | null;
}

/** anton never ships these names, at any depth and in any letter case (anton-format.md §5.2). */
const NEVER_SHIPPED = new Set([README_FILE, METADATA_FILE, BACKEND_LOG_FILE, PUBLISHED_STATE_FILE].map((n) => n.toLowerCase()));
const neverShipped = (rel: string): boolean => NEVER_SHIPPED.has(path.posix.basename(rel).toLowerCase());
/** What a fullstack bundle ships from the top level; the rest (bookkeeping aside) gets a warning. */
const FULLSTACK_TOP = new Set(['backend.py', 'requirements.txt', 'static']);


async function planFullstack(files: ArtifactFilesPort, slug: string): Promise<BundlePlan> {
  const entries: BundleEntry[] = [];
  const warnings: PreflightProblem[] = [];
  const blocking: PreflightProblem[] = [];
  for (const name of ['backend.py', 'requirements.txt']) {
    const file = await files.find(slug, name);
    if (!file) {
      blocking.push({ kind: 'missing-file', file: name, message: `${name} is missing, so the app can't run once published. Ask the agent to create it.` });
    } else entries.push({ name, abs: file.abs, bytes: file.bytes });
  }
  const all = await files.list(slug);
  for (const f of all) {
    if (!f.path.startsWith('static/') || neverShipped(f.path)) continue;
    const file = await files.find(slug, f.path);
    if (file) entries.push({ name: f.path, abs: file.abs, bytes: file.bytes });
  }
  if (!entries.some((e) => e.name === 'static/index.html')) {
    warnings.push({ kind: 'missing-file', file: 'static/index.html', message: 'static/index.html is missing, so the published app has no start page.' });
  }
  const leftBehind = new Set<string>();
  for (const f of all) {
    const slash = f.path.indexOf('/');
    const top = slash < 0 ? f.path : f.path.slice(0, slash);
    if (FULLSTACK_TOP.has(top) || top.startsWith('.') || (slash < 0 && isBookkeepingFile(top))) continue;
    leftBehind.add(slash < 0 ? top : `${top}/`);
  }
  for (const shown of leftBehind) {
    warnings.push({
      kind: 'unshipped-file',
      file: shown,
      message: `${shown} sits beside backend.py but is not published (only backend.py, requirements.txt and static/ ship). If the backend imports or reads it, the published app will fail.`,
    });
  }
  return { kind: 'fullstack', entries: antonOrder('fullstack', entries), warnings, blocking };
}

/** `ref` (as written in `fromRel`) as an artifact-relative path; null when it climbs out of the folder. */
function resolveRef(fromRel: string, ref: string): string | null {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), ref.replace(/\\/g, '/')));
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) return null;
  return joined;
}

async function planStatic(files: ArtifactFilesPort, slug: string, primaryIn: string | null): Promise<BundlePlan> {
  const warnings: PreflightProblem[] = [];
  const blocking: PreflightProblem[] = [];
  if (!primaryIn) {
    blocking.push({ kind: 'missing-file', message: 'This artifact has no primary file, so there is nothing to publish. Set its main HTML file first.' });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  const primary = primaryIn;
  if (!/\.html?$/i.test(primary)) {
    blocking.push({ kind: 'unsupported-type', file: primary, message: `Only HTML pages can be published; the primary file ${primary} is not one.` });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  const primaryFile = await files.find(slug, primary);
  if (!primaryFile) {
    blocking.push({ kind: 'missing-file', file: primary, message: `The primary file ${primary} is missing.` });
    return { kind: 'static', entries: [], warnings, blocking };
  }
  // The primary becomes index.html at the root, so every reference is kept relative to its folder.
  const base = path.posix.dirname(primaryFile.path);
  const entries = new Map<string, BundleEntry>([['index.html', { name: 'index.html', abs: primaryFile.abs, bytes: primaryFile.bytes }]]);
  const queue: { rel: string; css: boolean }[] = [{ rel: primaryFile.path, css: false }];
  let primaryText = '';
  while (queue.length > 0) {
    const { rel: from, css } = queue.shift()!;
    const text = (await files.read(slug, from)).data.toString('utf8');
    if (from === primaryFile.path) primaryText = text;
    const refs = css ? cssRefs(text) : htmlRefs(text);
    const fromName = from === primaryFile.path ? primary : from;
    for (const ref of refs) {
      const target = resolveRef(from, ref);
      if (target === primaryFile.path) continue;
      const name = target === null ? null : base === '.' ? target : target.startsWith(`${base}/`) ? target.slice(base.length + 1) : null;
      if (target === null || name === null) {
        warnings.push({ kind: 'missing-file', file: fromName, message: `${fromName} refers to ${ref}, which is outside the page's folder and won't be published.` });
        continue;
      }
      if (entries.has(name)) continue;
      // The record and its bookkeeping are never shipped, even when a page links to them.
      if (isBookkeepingFile(target) || isPublishStateFile(target)) continue;
      // Confined by the store: a symlink on the way that points out of the artifact is refused.
      const file = await files.find(slug, target);
      if (!file) {
        warnings.push({ kind: 'missing-file', file: fromName, message: `${fromName} refers to ${ref}, which does not exist; the published page will miss it.` });
        continue;
      }
      if (name === 'index.html') {
        warnings.push({ kind: 'missing-file', file: name, message: `${name} is referenced but clashes with the published start page, so it is left out.` });
        continue;
      }
      entries.set(name, { name, abs: file.abs, bytes: file.bytes });
      if (/\.css$/i.test(name)) queue.push({ rel: target, css: true });
      else if (/\.html?$/i.test(name)) queue.push({ rel: target, css: false });
    }
  }
  const planned = antonOrder('static', [...entries.values()]);
  const inFolder = (name: string): string => (base === '.' ? name : `${base}/${name}`);
  const antonEntries = await antonStaticEntries(primaryText, planned, async (name) => (await files.find(slug, inFolder(name)).catch(() => null)) !== null);
  return { kind: 'static', entries: planned, warnings, blocking, antonEntries };
}

/** What a publish or export ships, read through the store's files service. */
export async function planBundle(files: ArtifactFilesPort, record: PublishArtifactRecord): Promise<BundlePlan> {
  return isFullstackType(record.type) ? planFullstack(files, record.slug) : planStatic(files, record.slug, record.primary);
}
