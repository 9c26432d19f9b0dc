import type { LocatedFile } from '../artifacts/artifact-files';

/** Content types come from the one MIME table (fs/mime); re-exported for the preview server. */
export { mimeFor } from '../fs/mime';

/** The store's files service, as far as the preview needs it (confinement and bookkeeping are its rules). */
export interface PreviewFiles {
  kind(slug: string, rel: string): Promise<'file' | 'dir' | null>;
  find(slug: string, rel: string): Promise<LocatedFile | null>;
}

/**
 * Maps a URL path to a regular content file of an artifact, or null when the path is a
 * dotfile, a bookkeeping file (any letter case), escapes the folder (`..`, encoded slashes,
 * symlinks pointing out) or is not a file. A folder serves its `index.html`.
 */
export async function resolveStaticFile(files: PreviewFiles, slug: string, urlPath: string): Promise<LocatedFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  // Dotfiles (and so every `.`/`..` segment) are never part of a page.
  if (parts.length === 0 || parts.some((p) => p.startsWith('.'))) return null;
  const rel = parts.join('/');
  try {
    const kind = await files.kind(slug, rel);
    if (kind === 'dir') return await files.find(slug, `${rel}/index.html`);
    return kind === 'file' ? await files.find(slug, rel) : null;
  } catch {
    return null; // refused by the door: outside the artifact, or a bookkeeping file
  }
}
