/**
 * The path rules under the store: every name the slug rule accepts is a folder on POSIX disks,
 * and on Windows the names that are aliases of others (trailing dot or space, colon) are
 * refused, so `...` can't mean the artifacts folder and `metadata.json.` can't mean the record.
 */
import { describe, expect, it } from 'vitest';
import { checkSlug, normalizeRelPath } from './confine';

describe('slugs', () => {
  it('accept anton and user folder names on every platform', () => {
    for (const slug of ['My Report', 'café-1a2b3c4d', 'a.b', 'sales-2026-1a2b3c4d']) {
      expect(() => checkSlug(slug, 'linux'), slug).not.toThrow();
      expect(() => checkSlug(slug, 'win32'), slug).not.toThrow();
    }
  });

  it('refuse Windows aliases on Windows only, with a sentence', () => {
    for (const slug of ['...', '. ', 'My Report.', 'My Report ', 'a:b']) {
      expect(() => checkSlug(slug, 'linux'), slug).not.toThrow();
      expect(() => checkSlug(slug, 'win32'), slug).toThrow(/on Windows/);
    }
  });
});

describe('relative paths', () => {
  it('refuse aliases of bookkeeping files on Windows', () => {
    for (const rel of ['metadata.json.', 'metadata.json ', 'metadata.json::$DATA', '.published.json:$DATA', 'site/x./index.html']) {
      expect(() => normalizeRelPath(rel, 'win32'), rel).toThrow(expect.objectContaining({ code: 'FORBIDDEN', reason: 'outside-artifact' }));
    }
    expect(normalizeRelPath('static/app.js', 'win32')).toBe('static/app.js');
  });

  it('normalize separators and refuse leaving the folder everywhere', () => {
    expect(normalizeRelPath('./static\\js/app.js', 'linux')).toBe('static/js/app.js');
    for (const rel of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\0b', '']) {
      expect(() => normalizeRelPath(rel, 'linux'), JSON.stringify(rel)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    }
  });
});
