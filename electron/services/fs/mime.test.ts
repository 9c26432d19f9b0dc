import { describe, expect, it } from 'vitest';
import { baseMimeFor, mimeFor } from './mime';

describe('mimeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['module.mjs', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['data.csv', 'text/csv; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['chart.png', 'image/png'],
    ['photo.JPG', 'image/jpeg'],
    ['engine.wasm', 'application/wasm'],
    ['font.woff2', 'font/woff2'],
    ['sub/dir/page.HTM', 'text/html; charset=utf-8'],
  ])('%s → %s', (file, type) => {
    expect(mimeFor(file)).toBe(type);
  });

  it('answers application/octet-stream for unknown or missing extensions', () => {
    expect(mimeFor('blob.kilnunknown')).toBe('application/octet-stream');
    expect(mimeFor('Makefile')).toBe('application/octet-stream');
    // A bare name that happens to be an extension is not a typed file.
    expect(mimeFor('html')).toBe('application/octet-stream');
    expect(mimeFor('.hidden')).toBe('application/octet-stream');
  });

  it('gives the bare type without parameters', () => {
    expect(baseMimeFor('a.html')).toBe('text/html');
    expect(baseMimeFor('a.avif')).toBe('image/avif');
    expect(baseMimeFor('a.bmp')).toBe('image/bmp');
  });
});
