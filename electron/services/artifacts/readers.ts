import { isPublishStateFile } from './files';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TableResult } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import type { ArtifactStore } from './store';
import { parseDelimited, parseJsonTable } from './table';

export const TEXT_LIMIT = 2 * 1024 * 1024;
export const IMAGE_LIMIT = 10 * 1024 * 1024;
export const TABLE_JSON_LIMIT = 20 * 1024 * 1024;
/** A delimited file is read only this far: 200 rows fit in it unless rows are huge. */
export const TABLE_PREFIX_BYTES = 4 * 1024 * 1024;
export const TABLE_ROWS = 200;

const IMAGE_MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.avif': 'image/avif',
};
const TABLE_EXT = new Set(['.csv', '.tsv', '.json', '.jsonl', '.ndjson']);
const TEXT_PREFERRED = ['.md', '.markdown', '.txt'];

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/**
 * Preview reads for the renderer: always through the store's confinement, always
 * size-limited, only regular files. Which file, when none is named: the primary if it fits,
 * else the first file of the right kind.
 */
export class ArtifactReaders {
  constructor(private readonly store: ArtifactStore) {}

  async readText(slug: string, rel?: string): Promise<{ path: string; text: string }> {
    const file = rel ?? (await this.pick(slug, (p) => TEXT_PREFERRED.includes(ext(p)), true));
    const abs = await this.regularFile(slug, file, TEXT_LIMIT, 'text');
    const buf = await fs.readFile(abs);
    if (buf.subarray(0, 8192).includes(0)) {
      throw new KilnError('UNSUPPORTED', `"${file}" is a binary file, so it can't be shown as text.`);
    }
    return { path: file, text: buf.toString('utf8') };
  }

  async readTable(slug: string, rel?: string): Promise<TableResult> {
    const file = rel ?? (await this.pick(slug, (p) => TABLE_EXT.has(ext(p)), false));
    const e = ext(file);
    if (!TABLE_EXT.has(e)) throw new KilnError('UNSUPPORTED', `"${file}" is not a CSV, TSV or JSON file.`);
    if (e === '.json') {
      const abs = await this.regularFile(slug, file, TABLE_JSON_LIMIT, 'JSON dataset');
      const table = parseJsonTable(await fs.readFile(abs, 'utf8'), TABLE_ROWS);
      if (!table) throw new KilnError('UNSUPPORTED', `"${file}" is not valid JSON or doesn't hold a list of rows.`);
      return { path: file, ...table };
    }
    const abs = await this.regularFile(slug, file, Number.POSITIVE_INFINITY, 'dataset');
    const handle = await fs.open(abs, 'r');
    let text: string;
    let complete: boolean;
    try {
      const { size } = await handle.stat();
      const want = Math.min(size, TABLE_PREFIX_BYTES);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buf, 0, want, 0);
      text = buf.subarray(0, bytesRead).toString('utf8');
      complete = bytesRead >= size;
    } finally {
      await handle.close();
    }
    if (e === '.jsonl' || e === '.ndjson') {
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      if (!complete) lines.pop();
      const table = parseJsonTable(`[${lines.slice(0, TABLE_ROWS + 1).join(',')}]`, TABLE_ROWS);
      if (!table) throw new KilnError('UNSUPPORTED', `"${file}" has a line that is not valid JSON.`);
      return { path: file, ...table, truncated: table.truncated || !complete };
    }
    return { path: file, ...parseDelimited(text, e === '.tsv' ? '\t' : ',', TABLE_ROWS, complete) };
  }

  async readImage(slug: string, rel?: string): Promise<{ path: string; mime: string; base64: string; bytes: number }> {
    const file = rel ?? (await this.pick(slug, (p) => ext(p) in IMAGE_MIME, false));
    const mime = IMAGE_MIME[ext(file)];
    if (!mime) throw new KilnError('UNSUPPORTED', `"${file}" is not an image Kiln can show (PNG, JPEG, GIF, WebP, SVG, BMP, ICO, AVIF).`);
    const abs = await this.regularFile(slug, file, IMAGE_LIMIT, 'image');
    const buf = await fs.readFile(abs);
    return { path: file, mime, base64: buf.toString('base64'), bytes: buf.length };
  }

  /** The primary when it matches, else the first matching file of the (reconciled) record. */
  private async pick(slug: string, matches: (p: string) => boolean, primaryAlways: boolean): Promise<string> {
    const record = await this.store.open(slug);
    if (record.primary && (primaryAlways || matches(record.primary))) return record.primary;
    const found = record.files.find((f) => matches(f.path));
    if (!found) throw new KilnError('NOT_FOUND', `"${record.name}" has no file that can be shown here.`);
    return found.path;
  }

  private async regularFile(slug: string, rel: string, limit: number, what: string): Promise<string> {
    const abs = await this.store.resolveFile(slug, rel);
    // anton keeps the plaintext publish password in .published.json: it never goes to the UI.
    if (isPublishStateFile(path.relative(await this.store.dir(slug), abs))) {
      throw new KilnError('FORBIDDEN', '.published.json holds publish credentials; Kiln does not show it.');
    }
    let st;
    try {
      st = await fs.lstat(abs);
    } catch {
      throw new KilnError('NOT_FOUND', `"${rel}" does not exist in this artifact.`);
    }
    if (!st.isFile()) throw new KilnError('UNSUPPORTED', `"${rel}" is not a regular file.`);
    if (st.size > limit) {
      throw new KilnError('UNSUPPORTED', `"${rel}" is ${mb(st.size)}; the ${what} preview shows files up to ${mb(limit)}. Open the folder to see it.`);
    }
    try {
      await fs.access(abs, fs.constants.R_OK);
    } catch {
      throw new KilnError('IO', `"${rel}" can't be read (permission denied).`);
    }
    return abs;
  }
}

function ext(p: string): string {
  return path.extname(p).toLowerCase();
}
