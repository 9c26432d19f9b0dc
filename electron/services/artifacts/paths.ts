import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { checkSlug, isInside, normalizeRelPath, realpathOfExisting } from './confine';
import { slugFor } from './slug';

/**
 * Where artifacts live and the confinement of every path inside them: a slug is a single
 * folder name (the shared rule), a folder linked outside the artifacts root is refused, and no
 * file path (through `..` or a symlink) may leave its artifact.
 */
export class ArtifactPaths {
  constructor(private readonly workspaceDir: () => string) {}

  /** The current workspace folder; read on every call so a settings change applies at once. */
  workspace(): string {
    return this.workspaceDir();
  }

  /** `<workspace>/.anton/artifacts`. */
  root(): string {
    return path.join(this.workspaceDir(), '.anton', 'artifacts');
  }

  /** Where an artifact's folder would be: the slug checked, the disk not touched. */
  folderPath(slug: string): string {
    checkSlug(slug);
    return path.join(this.root(), slug);
  }

  /**
   * What deleting an artifact moves to the trash: its folder, or the link in the artifacts
   * folder that stands for it, even a broken one or one that leads outside (moving a link never
   * touches what it points to, so the gallery can always be rid of such an entry).
   */
  async removable(slug: string): Promise<string> {
    const abs = this.folderPath(slug);
    const st = await fs.lstat(abs).catch(() => null);
    if (st?.isSymbolicLink()) return abs;
    return this.dir(slug);
  }

  /** Absolute folder of an existing artifact; refuses odd names and links that leave the root. */
  async dir(slug: string): Promise<string> {
    const abs = this.folderPath(slug);
    const root = this.root();
    let st;
    try {
      st = await fs.lstat(abs);
    } catch {
      throw new KilnError('NOT_FOUND', `There is no artifact "${slug}" in ${root}.`);
    }
    if (st.isSymbolicLink()) {
      const [realRoot, real] = await Promise.all([realpathOfExisting(root), realpathOfExisting(abs)]);
      if (!isInside(realRoot, real) || real === realRoot) {
        throw new KilnError(
          'FORBIDDEN',
          `The artifact folder "${slug}" is a link to a place outside the artifacts folder; Kiln will not use it.`,
          undefined,
          'outside-workspace',
        );
      }
      const target = await fs.stat(abs).catch(() => null);
      if (!target?.isDirectory()) throw new KilnError('NOT_FOUND', `The artifact folder "${slug}" is a broken link.`);
      return abs;
    }
    if (!st.isDirectory()) throw new KilnError('NOT_FOUND', `"${slug}" is not an artifact folder.`);
    return abs;
  }

  /** Absolute path of a file inside an artifact; FORBIDDEN for anything that would leave it. */
  async resolveFile(slug: string, relPath: string): Promise<string> {
    return (await this.resolve(slug, relPath)).abs;
  }

  /**
   * The normalized relative path and its absolute path, confined to the artifact, and the
   * artifact-relative path it really reaches once every link is followed (`realRel`).
   */
  async resolve(slug: string, relPath: string): Promise<{ dir: string; rel: string; abs: string; realRel: string }> {
    const dir = await this.dir(slug);
    const rel = normalizeRelPath(relPath);
    const abs = path.join(dir, ...rel.split('/'));
    const [realDir, real] = await Promise.all([fs.realpath(dir), realpathOfExisting(abs)]);
    if (!isInside(realDir, real) || real === realDir) {
      throw new KilnError('FORBIDDEN', `"${relPath.slice(0, 120)}" leads outside the artifact "${slug}".`, undefined, 'outside-artifact');
    }
    return { dir, rel, abs, realRel: path.relative(realDir, real).split(path.sep).join('/') };
  }

  /**
   * The artifact-relative path (`/` separated) that `abs` really reaches after every link is
   * followed; `abs` must already be confined to `dir` (see resolve).
   */
  async realRelative(dir: string, abs: string): Promise<string> {
    const [realDir, real] = await Promise.all([fs.realpath(dir), realpathOfExisting(abs)]);
    return path.relative(realDir, real).split(path.sep).join('/');
  }

  /**
   * The first slug `<base>-<id>`, `-2`, `-3`… (anton's step 7) with no folder yet, skipping
   * `taken`; nothing is made (create builds in a temp folder and renames it to this name).
   */
  async freeSlug(name: string, id: string, taken: ReadonlySet<string> = new Set()): Promise<string> {
    const base = slugFor(name, id);
    for (let n = 1; n <= 1000; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (taken.has(slug)) continue;
      const st = await fs.lstat(path.join(this.root(), slug)).catch(() => null);
      if (!st) return slug;
    }
    throw new KilnError('CONFLICT', `Too many artifacts are named like "${name}"; choose another name.`);
  }
}
