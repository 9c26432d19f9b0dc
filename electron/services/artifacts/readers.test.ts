import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactReaders, TEXT_LIMIT } from './readers';
import { parseDelimited, parseJsonTable } from './table';
import { tempStore } from './test-helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function withArtifact(type: 'document' | 'dataset' | 'image', files: Record<string, string | Buffer>, primary?: string) {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  const r = await t.store.create({ name: 'R', type, primary: primary ?? null });
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(t.root, r.slug, rel)), { recursive: true });
    await fs.writeFile(path.join(t.root, r.slug, rel), content);
  }
  return { ...t, slug: r.slug, readers: new ArtifactReaders(t.store) };
}

describe('table parsing', () => {
  it('handles quotes, doubled quotes, embedded newlines, CRLF and a BOM', () => {
    const t = parseDelimited('\ufeffname,note\r\n"Smith, J","said ""hi""\nthen left"\r\nLee,\r\n', ',', 200, true);
    expect(t.columns).toEqual(['name', 'note']);
    expect(t.rows).toEqual([['Smith, J', 'said "hi"\nthen left'], ['Lee', '']]);
    expect(t.truncated).toBe(false);
  });

  it('stops at 200 rows and says it did', () => {
    const csv = `n\n${Array.from({ length: 500 }, (_, i) => i).join('\n')}\n`;
    const t = parseDelimited(csv, ',', 200, true);
    expect(t.rows).toHaveLength(200);
    expect(t.rows[199]).toEqual(['199']);
    expect(t.truncated).toBe(true);
  });

  it('pads ragged rows and names missing headers', () => {
    const t = parseDelimited('a\n1,2,3\n', ',', 200, true);
    expect(t.columns).toEqual(['a', 'column 2', 'column 3']);
    expect(t.rows).toEqual([['1', '2', '3']]);
  });

  it('reads JSON arrays of objects, arrays of arrays and {data: [...]}', () => {
    expect(parseJsonTable('[{"a":1},{"b":{"x":2}}]', 200)).toEqual({ columns: ['a', 'b'], rows: [['1', ''], ['', '{"x":2}']], truncated: false });
    expect(parseJsonTable('[[1,2],[3]]', 200)!.rows).toEqual([['1', '2'], ['3', '']]);
    expect(parseJsonTable('{"data":[{"k":"v"}]}', 200)!.rows).toEqual([['v']]);
    expect(parseJsonTable('{not json', 200)).toBeNull();
  });
});

describe('preview readers', () => {
  it('reads the primary markdown as text', async () => {
    const { readers, slug } = await withArtifact('document', { 'report.md': '# Title\n\nBody' }, 'report.md');
    expect(await readers.readText(slug)).toEqual({ path: 'report.md', text: '# Title\n\nBody' });
  });

  it('refuses binary and oversized text with a sentence saying why', async () => {
    const { readers, slug } = await withArtifact('document', { 'bin.md': Buffer.from([0x23, 0, 1, 2]), 'big.txt': 'x'.repeat(TEXT_LIMIT + 1) });
    await expect(readers.readText(slug, 'bin.md')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/binary/) });
    await expect(readers.readText(slug, 'big.txt')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/2\.0 MB/) });
    await expect(readers.readText(slug, 'nope.md')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('finds the first dataset file when the primary is not one, TSV included', async () => {
    const { readers, slug } = await withArtifact('dataset', { 'about.md': 'x', 'data/sales.tsv': 'region\ttotal\nNorth\t12\n' }, 'about.md');
    expect(await readers.readTable(slug)).toEqual({ path: 'data/sales.tsv', columns: ['region', 'total'], rows: [['North', '12']], truncated: false });
  });

  it('reads only the start of a large CSV', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},value-${i}`).join('\n');
    const { readers, slug } = await withArtifact('dataset', { 'big.csv': `id,val\n${rows}\n` });
    const t = await readers.readTable(slug, 'big.csv');
    expect(t.rows).toHaveLength(200);
    expect(t.rows[0]).toEqual(['0', 'value-0']);
    expect(t.truncated).toBe(true);
  });

  it('never hands out .published.json (anton keeps a plaintext password there)', async () => {
    const { readers, slug } = await withArtifact('document', { '.published.json': '{"index.html":{"password":"hunter2"}}' });
    await expect(readers.readText(slug, '.published.json')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(readers.readText(slug, './.published.json')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('returns images as base64 with their mime type, and refuses non-images', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const { readers, slug } = await withArtifact('image', { 'chart.png': png, 'notes.txt': 'x' }, 'chart.png');
    const img = await readers.readImage(slug);
    expect(img).toMatchObject({ path: 'chart.png', mime: 'image/png', bytes: png.length });
    expect(Buffer.from(img.base64, 'base64').equals(png)).toBe(true);
    await expect(readers.readImage(slug, 'notes.txt')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
