import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { writeStateFile } from '../fs/state-file';

/** Thumbnails are small: at most 640 px wide, 4 megapixels, 3 MB of PNG. */
export const THUMB_MAX_WIDTH = 640;
export const THUMB_MAX_PIXELS = 4_000_000;
export const THUMB_MAX_BYTES = 3 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/;

export interface ThumbnailOptions {
  workspaceDir: () => string;
  /** The artifact's stable id (metadata `id`): the file name, so a rename keeps the picture. */
  idOf: (slug: string) => Promise<string>;
  /** Told after a picture was stored (the gallery card reads it again). */
  onSaved?: (slug: string) => void;
}

/** Width and height from a PNG's IHDR, or null when the bytes are not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/**
 * Pictures of artifacts as last previewed, for the gallery: `<ws>/.kiln/thumbnails/<id>.png`,
 * never inside the artifact folder (so never published). The picture comes from the previewed
 * page, which is untrusted: only a PNG within the size caps is stored.
 */
export class Thumbnails {
  constructor(private readonly o: ThumbnailOptions) {}

  private async fileFor(slug: string): Promise<string> {
    const id = await this.o.idOf(slug);
    if (!SAFE_ID.test(id)) throw new KilnError('UNSUPPORTED', `The artifact "${slug}" has an id that can't name a file, so it gets no thumbnail.`);
    return path.join(this.o.workspaceDir(), '.kiln', 'thumbnails', `${id}.png`);
  }

  /** Stores a `data:image/png;base64,…` picture; refuses anything else. */
  async save(slug: string, dataUrl: string): Promise<{ updatedAt: string }> {
    const prefix = 'data:image/png;base64,';
    if (!dataUrl.startsWith(prefix)) throw new KilnError('VALIDATION', 'A thumbnail must be a PNG image.');
    const buf = Buffer.from(dataUrl.slice(prefix.length), 'base64');
    const size = pngSize(buf);
    if (!size) throw new KilnError('VALIDATION', 'A thumbnail must be a PNG image.');
    if (buf.length > THUMB_MAX_BYTES || size.width < 1 || size.height < 1 || size.width > THUMB_MAX_WIDTH || size.width * size.height > THUMB_MAX_PIXELS) {
      throw new KilnError('VALIDATION', `A thumbnail may be at most ${THUMB_MAX_WIDTH} px wide, ${THUMB_MAX_PIXELS / 1e6} megapixels and ${THUMB_MAX_BYTES / 1024 / 1024} MB.`);
    }
    const file = await this.fileFor(slug);
    await writeStateFile(file, buf, path.join(this.o.workspaceDir(), '.kiln'));
    this.o.onSaved?.(slug);
    return { updatedAt: new Date().toISOString() };
  }

  /** The stored picture as a data URL, or null when there is none (the card shows the type icon). */
  async get(slug: string): Promise<{ png: string | null; updatedAt: string | null }> {
    try {
      const file = await this.fileFor(slug);
      const stat = await fs.stat(file);
      if (!stat.isFile() || stat.size > THUMB_MAX_BYTES) return { png: null, updatedAt: null };
      const buf = await fs.readFile(file);
      if (!pngSize(buf)) return { png: null, updatedAt: null };
      return { png: `data:image/png;base64,${buf.toString('base64')}`, updatedAt: stat.mtime.toISOString() };
    } catch {
      return { png: null, updatedAt: null };
    }
  }
}
