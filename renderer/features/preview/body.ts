import { isFullstackType, type ArtifactRecord, type ArtifactType, type TableResult } from '../../../shared/contract/artifacts';
import { api } from '../../api/client';

/** What the preview pane shows for an artifact, with the file it came from where there is one. */
export type Body =
  | { kind: 'frame'; url: string }
  | { kind: 'image'; src: string; path: string }
  | { kind: 'markdown'; text: string; plain: boolean; path: string }
  | { kind: 'table'; table: TableResult }
  | { kind: 'files' }
  | { kind: 'fullstack' };

/** The parts of a record that decide the body. */
export interface BodySource {
  slug: string;
  type: ArtifactType;
  primary: string | null;
  /** True when the folder has an index.html (the preview origin serves it at `/`). */
  hasIndexHtml: boolean;
}

export const bodySourceOf = (r: ArtifactRecord): BodySource => ({
  slug: r.slug,
  type: r.type,
  primary: r.primary,
  hasIndexHtml: r.files.some((f) => f.path === 'index.html'),
});

const htmlLike = (p: string | null): boolean => Boolean(p && /\.html?$/i.test(p));

/**
 * Picks how to show an artifact, with at most one call; falls back to the file list when the
 * richer view can't load (the error itself surfaces when the user opens the file).
 */
export async function bodyFor(r: BodySource): Promise<Body> {
  if (isFullstackType(r.type)) return { kind: 'fullstack' };
  try {
    switch (r.type) {
      case 'html-app':
      case 'image': {
        // The preview origin serves the primary at `/` (or index.html); without either, show
        // the first image directly, or the files.
        if (r.primary || r.hasIndexHtml) return { kind: 'frame', url: (await api.call('preview.open', { slug: r.slug })).url };
        if (r.type === 'image') return await readImage(r.slug);
        return { kind: 'files' };
      }
      case 'document':
        return await readText(r.slug);
      case 'dataset':
        return await readTable(r.slug);
      case 'mixed':
        if (htmlLike(r.primary)) return { kind: 'frame', url: (await api.call('preview.open', { slug: r.slug })).url };
        return { kind: 'files' };
    }
  } catch {
    // fall through to the file list
  }
  return { kind: 'files' };
}

/** The file a body shows, when it shows one file's content (re-read when that file changes). */
export function bodyPath(b: Body): string | null {
  if (b.kind === 'markdown' || b.kind === 'image') return b.path;
  if (b.kind === 'table') return b.table.path;
  return null;
}

/** Re-reads the one file a body shows (one call). */
export async function rereadBody(slug: string, b: Body): Promise<Body> {
  const path = bodyPath(b) ?? undefined;
  if (b.kind === 'markdown') return readText(slug, path);
  if (b.kind === 'table') return readTable(slug, path);
  if (b.kind === 'image') return readImage(slug, path);
  return b;
}

async function readText(slug: string, path?: string): Promise<Body> {
  const t = await api.call('artifacts.readText', path ? { slug, path } : { slug });
  return { kind: 'markdown', text: t.text, plain: !/\.(md|markdown)$/i.test(t.path), path: t.path };
}

async function readTable(slug: string, path?: string): Promise<Body> {
  return { kind: 'table', table: await api.call('artifacts.readTable', path ? { slug, path } : { slug }) };
}

async function readImage(slug: string, path?: string): Promise<Body> {
  const img = await api.call('artifacts.readImage', path ? { slug, path } : { slug });
  return { kind: 'image', src: `data:${img.mime};base64,${img.base64}`, path: img.path };
}
