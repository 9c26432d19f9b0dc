import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { defaultBaseImage, fullstackExportFiles } from './export-files';
import type { Review } from './publish-review';
import { dsVariables } from './python-imports';
import { buildZip, type ZipSource } from './zip';

export interface BundleExportDeps {
  /** Native save dialog (Electron); absent in the web host, where the path is typed. */
  chooseSavePath?: ((suggestedName: string) => Promise<string | null>) | undefined;
  /** The publish review, without requiring the datasources to be in the vault. */
  review: (slug: string) => Promise<Review>;
  pythonVersion: (slug: string) => Promise<string | null>;
  maxBytes: () => number;
}

/**
 * Writes the bundle to `target` (atomically), plus a Dockerfile and README for fullstack apps.
 * Secret values are checked for exactly as for a publish; vault presence is not required.
 */
export async function exportBundle(deps: BundleExportDeps, slug: string, target?: string): Promise<{ path: string | null; bytes: number }> {
  const file = await targetFile(deps, slug, target);
  if (file === null) return { path: null, bytes: 0 };
  const c = await deps.review(slug);
  const blocking = c.blocking.filter((b) => b.kind !== 'undeclared-env');
  if (blocking.length > 0) {
    throw new KilnError('VALIDATION', `Export is blocked: ${blocking[0]!.message}`, blocking.map((b) => `${b.file ?? ''}${b.line ? `:${b.line}` : ''} ${b.message}`).join('\n'));
  }
  const sources: ZipSource[] = [...c.plan.entries];
  if (c.fullstack) {
    const envNames = new Set((c.backendSource ? dsVariables(c.backendSource) : []).map((u) => u.name));
    sources.push(...fullstackExportFiles(c.record.name, c.record.slug, [...envNames].sort(), defaultBaseImage(await deps.pythonVersion(slug))));
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  // A static export is the very bundle a publish sends; a fullstack one adds Kiln's deploy
  // files, so it is Kiln's own format (no anton md5 to match): names in byte order.
  const ordered = c.fullstack ? [...sources].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) : sources;
  let bytes: number;
  try {
    bytes = (await buildZip(ordered, { maxBytes: deps.maxBytes(), outFile: tmp })).bytes;
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    if (error instanceof KilnError) throw error; // too large, cancelled: already a sentence
    throw new KilnError('IO', `Could not write ${file}. Choose a folder you can write to.`, (error as Error).message);
  }
  return { path: file, bytes };
}

/** The zip's absolute path, from the typed path or the save dialog; null when the dialog was cancelled. */
async function targetFile(deps: BundleExportDeps, slug: string, target?: string): Promise<string | null> {
  let file = target?.trim();
  // A native save dialog has already asked about replacing a file; a typed path has not.
  const typed = Boolean(file);
  if (!file) {
    if (!deps.chooseSavePath) throw new KilnError('VALIDATION', 'Type the full path of the zip file to write.');
    const chosen = await deps.chooseSavePath(`${slug}.zip`);
    if (!chosen) return null;
    file = chosen;
  }
  if (!path.isAbsolute(file)) throw new KilnError('VALIDATION', `Give an absolute path for the export (got "${file}").`);
  // A folder typed as the target: the zip goes into it, named after the artifact.
  if ((await fs.stat(file).catch(() => null))?.isDirectory()) file = path.join(file, `${slug}.zip`);
  if (!/\.zip$/i.test(file)) file = `${file}.zip`;
  const folder = path.dirname(file);
  const st = await fs.stat(folder).catch(() => null);
  if (!st?.isDirectory()) throw new KilnError('NOT_FOUND', `The folder ${folder} does not exist. Choose an existing folder.`);
  if (typed && (await fs.stat(file).catch(() => null))) {
    throw new KilnError('CONFLICT', `${file} already exists. Choose another file name (Kiln does not overwrite it).`);
  }
  return file;
}
