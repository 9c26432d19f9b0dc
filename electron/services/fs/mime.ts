import { contentType } from 'mime-types';
import path from 'node:path';

const FALLBACK = 'application/octet-stream';

/**
 * The Content-Type of a file, by its extension, from the maintained mime-db tables (the ones
 * Express serves with). Text types carry `; charset=utf-8`; an unknown or missing extension is
 * `application/octet-stream`. Only the extension is looked up: a file named `html` is no page.
 */
export function mimeFor(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '') return FALLBACK;
  return contentType(ext) || FALLBACK;
}

/** The bare type (`image/png`), without parameters. */
export function baseMimeFor(file: string): string {
  return mimeFor(file).split(';')[0]!.trim();
}

