import { promises as fs } from 'node:fs';
import path from 'node:path';
import { slugProblem } from '../../../shared/artifacts/rules';
import { KilnError } from '../../../shared/contract/core';

/** True when `child` is `parent` or inside it (both absolute, normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * On Windows a name that ends in a dot or a space is another name for the file without them
 * (`...` is the folder itself, `metadata.json.` is the record), and a colon names a drive or an
 * NTFS stream (`metadata.json::$DATA`). Such names can't be made there, so refusing them takes
 * nothing from a Windows user and closes the aliases. Null when the segment is fine.
 */
export function windowsAliasProblem(segment: string): string | null {
  if (/[. ]$/.test(segment)) return 'must not end in a dot or a space on Windows';
  if (segment.includes(':')) return 'must not hold a colon on Windows';
  return null;
}

/**
 * Refuses what the one slug rule (`shared/artifacts/rules.ts`) refuses, with its sentence, and
 * on Windows the alias names too. FORBIDDEN: a name that isn't a single folder name is an attempt
 * to leave the store.
 */
export function checkSlug(slug: string, platform: NodeJS.Platform = process.platform): void {
  const problem = slugProblem(slug) ?? (platform === 'win32' ? windowsAliasProblem(slug) : null);
  if (problem) throw new KilnError('FORBIDDEN', `"${String(slug).slice(0, 80)}" is not an artifact folder name: it ${problem}.`);
}

/**
 * Normalizes a path relative to an artifact folder to `/` separators and refuses
 * absolute paths, `..` segments and NUL bytes.
 */
export function normalizeRelPath(rel: string, platform: NodeJS.Platform = process.platform): string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > 4096 || rel.includes('\0')) {
    throw new KilnError('FORBIDDEN', 'That file path is not allowed.', undefined, 'outside-artifact');
  }
  const unified = rel.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[A-Za-z]:/.test(unified)) {
    throw new KilnError('FORBIDDEN', `"${rel.slice(0, 120)}" is absolute; give a path inside the artifact folder.`, undefined, 'outside-artifact');
  }
  const parts = unified.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) {
    throw new KilnError('FORBIDDEN', `"${rel.slice(0, 120)}" points outside the artifact folder.`, undefined, 'outside-artifact');
  }
  const alias = platform === 'win32' ? parts.map(windowsAliasProblem).find((p) => p !== null) : null;
  if (alias) throw new KilnError('FORBIDDEN', `"${rel.slice(0, 120)}": a file or folder name ${alias}.`, undefined, 'outside-artifact');
  return parts.join('/');
}

/**
 * The real path of the deepest existing ancestor of `target` (itself if it exists), so a
 * symlink anywhere on the way is followed before the confinement check.
 */
export async function realpathOfExisting(target: string): Promise<string> {
  let current = target;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return tail.length === 0 ? real : path.join(real, ...tail.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) return target;
      tail.push(path.basename(current));
      current = parent;
    }
  }
}
