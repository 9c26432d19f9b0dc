import path from 'node:path';
import type { TableResult } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import { baseMimeFor } from '../fs/mime';
import type { ArtifactFiles } from './artifact-files';
import type { ArtifactStore } from './store';
import { parseDelimited, parseJsonTable } from './table';

export const TEXT_LIMIT = 2 * 1024 * 1024;
export const IMAGE_LIMIT = 10 * 1024 * 1024;
export const TABLE_JSON_LIMIT = 20 * 1024 * 1024;
/** A delimited file is read only this far: 200 rows fit in it unless rows are huge. */
export const TABLE_PREFIX_BYTES = 4 * 1024 * 1024;
export const TABLE_ROWS = 200;

/** Images a browser shows in an `<img>` (their types come from the one MIME table, fs/mime). */
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg', '.bmp', '.ico', '.avif']);
const TABLE_EXT = new Set(['.csv', '.tsv', '.json', '.jsonl', '.ndjson']);
const TEXT_PREFERRED = ['.md', '.markdown', '.txt'];

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/**
 * Preview reads for the renderer: always through the store's files service (confined,
 * bookkeeping refused), always size-limited, only regular files. Which file, when none is
 * named: the primary if it fits, else the first file of the right kind. Reads never write.
 */
export class ArtifactReaders {
  private readonly files: ArtifactFiles;

  constructor(private readonly store: Pick<ArtifactStore, 'open' | 'files'>) {
    this.files = store.files;
  }

  async readText(slug: string, rel?: string): Promise<{ path: string; text: string }> {
    const file = rel ?? (await this.pick(slug, (p) => TEXT_PREFERRED.includes(ext(p)), true));
    await this.checked(slug, file, TEXT_LIMIT, 'text');
    const buf = (await this.files.read(slug, file)).data;
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
      await this.checked(slug, file, TABLE_JSON_LIMIT, 'JSON dataset');
      const table = parseJsonTable((await this.files.read(slug, file)).data.toString('utf8'), TABLE_ROWS);
      if (!table) throw new KilnError('UNSUPPORTED', `"${file}" is not valid JSON or doesn't hold a list of rows.`);
      return { path: file, ...table };
    }
    await this.checked(slug, file, Number.POSITIVE_INFINITY, 'dataset');
    const prefix = await this.files.readPrefix(slug, file, TABLE_PREFIX_BYTES);
    const text = prefix.data.toString('utf8');
    const complete = prefix.complete;
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
    const file = rel ?? (await this.pick(slug, (p) => IMAGE_EXT.has(ext(p)), false));
    const mime = IMAGE_EXT.has(ext(file)) ? baseMimeFor(file) : null;
    if (!mime) throw new KilnError('UNSUPPORTED', `"${file}" is not an image Kiln can show (PNG, JPEG, GIF, WebP, SVG, BMP, ICO, AVIF).`);
    await this.checked(slug, file, IMAGE_LIMIT, 'image');
    const buf = (await this.files.read(slug, file)).data;
    return { path: file, mime, base64: buf.toString('base64'), bytes: buf.length };
  }

  /** The primary when it matches, else the first matching file on disk. */
  private async pick(slug: string, matches: (p: string) => boolean, primaryAlways: boolean): Promise<string> {
    const record = await this.store.open(slug);
    if (record.primary && (primaryAlways || matches(record.primary))) return record.primary;
    const found = record.files.find((f) => matches(f.path));
    if (!found) throw new KilnError('NOT_FOUND', `"${record.name}" has no file that can be shown here.`);
    return found.path;
  }

  /** A regular content file no larger than the preview shows (bookkeeping refused by the door). */
  private async checked(slug: string, rel: string, limit: number, what: string): Promise<void> {
    const file = await this.files.regular(slug, rel);
    if (file.bytes > limit) {
      throw new KilnError('UNSUPPORTED', `"${rel}" is ${mb(file.bytes)}; the ${what} preview shows files up to ${mb(limit)}. Open the folder to see it.`);
    }
  }
}

function ext(p: string): string {
  return path.extname(p).toLowerCase();
}
