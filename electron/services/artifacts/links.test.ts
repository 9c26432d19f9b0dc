/**
 * Links inside an artifact (planted by a backend, run_python, anton, or copied in) can't turn a
 * bookkeeping file into content: not for the agent's reads and writes, the preview, or readText.
 * A link to a real content file inside the artifact still works as before.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBundle } from '../publish/bundle-plan';
import { resolveStaticFile } from '../preview/static-files';
import { ArtifactReaders } from './readers';
import type { ArtifactStore } from './store';
import { tempStore } from './test-helpers';

let store: ArtifactStore;
let cleanup: () => Promise<void>;
let slug: string;
let dir: string;

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
  slug = (await store.create({ name: 'Linked', type: 'html-app', primary: null })).slug;
  dir = await store.dir(slug);
  await fs.writeFile(path.join(dir, 'index.html'), '<p>page</p>');
  await fs.writeFile(path.join(dir, '.published.json'), '{"access_password":"hunter2"}');
  await fs.symlink('.published.json', path.join(dir, 'leak.txt'));
  await fs.symlink('.', path.join(dir, 'sub'));
  await fs.symlink('index.html', path.join(dir, 'alias.html'));
});
afterEach(async () => {
  await cleanup();
});

describe('links to bookkeeping files', () => {
  it('are refused to reads, with the reason', async () => {
    for (const rel of ['leak.txt', 'sub/metadata.json', 'sub/README.md', 'sub/.published.json', 'sub/leak.txt']) {
      await expect(store.files.read(slug, rel), rel).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'reserved-file' });
    }
    await expect(new ArtifactReaders(store).readText(slug, 'leak.txt')).rejects.toMatchObject({ reason: 'reserved-file' });
  });

  it('are refused to writes, and the record is left as it was', async () => {
    const before = await fs.readFile(path.join(dir, 'metadata.json'), 'utf8');
    await expect(store.files.write(slug, 'sub/metadata.json', '{"pwned":true}', 'agent')).rejects.toMatchObject({ reason: 'reserved-file' });
    expect(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')).toBe(before);
    expect((await store.list()).find((i) => i.slug === slug)?.damaged).toBeUndefined();
  });

  it('are not served by the preview', async () => {
    for (const url of ['/leak.txt', '/sub/metadata.json', '/sub/README.md']) {
      expect(await resolveStaticFile(store.files, slug, url), url).toBeNull();
    }
  });

  it('are left out of a publish bundle even when the page links them', async () => {
    await fs.writeFile(path.join(dir, 'index.html'), '<a href="leak.txt">x</a><a href="sub/metadata.json">y</a><a href="alias.html">z</a>');
    const record = await store.read(slug);
    const plan = await planBundle(store.files, { ...record, primary: 'index.html' });
    const names = plan.entries.map((e) => e.name);
    expect(names).toContain('index.html');
    expect(names).not.toContain('leak.txt');
    expect(names).not.toContain('sub/metadata.json');
  });

  it('can be removed or replaced (the link goes, never its target)', async () => {
    const state = await fs.readFile(path.join(dir, '.published.json'), 'utf8');
    expect(await store.files.remove(slug, 'leak.txt', 'agent')).toBe(true);
    await expect(fs.lstat(path.join(dir, 'leak.txt'))).rejects.toThrow();
    await fs.symlink('.published.json', path.join(dir, 'leak2.txt'));
    await store.files.write(slug, 'leak2.txt', 'plain text now', 'agent');
    expect((await fs.lstat(path.join(dir, 'leak2.txt'))).isSymbolicLink()).toBe(false);
    expect(await fs.readFile(path.join(dir, '.published.json'), 'utf8')).toBe(state);
  });

  it('hard links to bookkeeping files are refused to reads too, and a plain second name of content is not', async () => {
    await fs.link(path.join(dir, '.published.json'), path.join(dir, 'hard.txt'));
    await fs.link(path.join(dir, 'metadata.json'), path.join(dir, 'static-meta.json'));
    await fs.link(path.join(dir, 'index.html'), path.join(dir, 'copy.html'));
    await expect(store.files.read(slug, 'hard.txt')).rejects.toMatchObject({ reason: 'reserved-file', message: expect.stringContaining('hard link') });
    await expect(store.files.read(slug, 'static-meta.json')).rejects.toMatchObject({ reason: 'reserved-file' });
    expect(await resolveStaticFile(store.files, slug, '/hard.txt')).toBeNull();
    expect((await store.files.read(slug, 'copy.html')).data.toString()).toBe('<p>page</p>');
  });

  it('leave links to content alone', async () => {
    expect((await store.files.read(slug, 'alias.html')).data.toString()).toBe('<p>page</p>');
    expect((await resolveStaticFile(store.files, slug, '/alias.html'))?.path).toBe('alias.html');
  });
});
