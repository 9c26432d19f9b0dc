import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import type { OwnWrites } from './own-writes';
import type { ArtifactPaths } from './paths';
import { recordPaths, writeRecord } from './records';

/**
 * The folder a new artifact is built in before it is renamed into place, so a crash never
 * leaves a half-made artifact in the gallery. Its name is a Kiln temp name
 * (`isAtomicTempFile`): lists, watchers and walks skip it; `recover.ts` clears it up at start.
 */
export function newArtifactTempDir(root: string, id: string): string {
  return path.join(root, `.new-${id}.tmp`);
}

/**
 * Builds a new artifact (its record and README) in a temp folder and renames it into place:
 * a crash leaves either nothing or the complete artifact. A name taken meanwhile moves on to
 * the next free slug. Sets `record.slug`. With `fill`, the artifact's files are in it from the
 * first moment anyone can see it (an example opened at once finds its backend.py).
 */
export async function buildAndPlace(
  o: { root: string; paths: ArtifactPaths; own: OwnWrites },
  name: string,
  record: ArtifactRecord,
  /** Puts the first files into the folder before it is placed (they appear with it); returns their paths. */
  fill?: (tmp: string) => Promise<string[]>,
): Promise<{ slug: string; dir: string; filled: string[] }> {
  const id = record.id ?? '';
  await fs.mkdir(o.root, { recursive: true });
  const tmp = newArtifactTempDir(o.root, id || String(Date.now()));
  await fs.mkdir(tmp);
  try {
    const filled = (await fill?.(tmp)) ?? [];
    const taken = new Set<string>();
    for (;;) {
      const slug = await o.paths.freeSlug(name, id, taken);
      record.slug = slug;
      await writeRecord(tmp, record);
      const dir = path.join(o.root, slug);
      try {
        // The first files too: the watcher, looking into the new folder, must see them as Kiln's.
        const own = [dir, ...recordPaths(dir), ...filled.map((rel) => path.join(dir, ...rel.split('/')))];
        await o.own.during(own, () => fs.rename(tmp, dir));
        return { slug, dir, filled };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
        taken.add(slug);
      }
    }
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
