import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactReaders } from './readers';
import { tempStore } from './test-helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(trashItem: (target: string) => Promise<boolean> = async () => false) {
  const t = await tempStore({ trashItem });
  cleanups.push(t.cleanup);
  return { ...t, readers: new ArtifactReaders(t.store) };
}

describe('bad input never escapes and never deletes', () => {
  it('refuses traversal and absolute slugs everywhere with FORBIDDEN', async () => {
    const { store, ws } = await setup();
    await fs.writeFile(path.join(ws, 'outside.txt'), 'keep me');
    for (const slug of ['..', '.', '../..', '../outside.txt', '/etc', 'a/b', 'a\\b', 'x\0y', '']) {
      await expect(store.dir(slug)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(store.delete(slug)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(store.rename(slug, 'n')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await fs.readFile(path.join(ws, 'outside.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses file paths that leave the artifact, including through a symlink', async () => {
    const { store, root, ws, readers } = await setup();
    const r = await store.create({ name: 'A', type: 'document' });
    await fs.writeFile(path.join(ws, 'secret.txt'), 'secret');
    await fs.symlink(ws, path.join(root, r.slug, 'escape'));
    for (const rel of ['../x', '../../secret.txt', '/etc/passwd', 'escape/secret.txt', 'a/../../b', 'C:\\x']) {
      await expect(store.resolveFile(r.slug, rel)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(readers.readText(r.slug, 'escape/secret.txt')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await store.resolveFile(r.slug, 'sub/./new.txt')).toBe(path.join(root, r.slug, 'sub', 'new.txt'));
  });

  it('shows an artifact folder that is a symlink to / as damaged, will not open or change through it, and deletes only the link', async () => {
    const trashed: string[] = [];
    const { store, root, ws } = await setup(async (t) => (trashed.push(t), true));
    await fs.symlink('/', path.join(root, 'rooted-12345678'));
    const list = await store.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ slug: 'rooted-12345678' });
    expect(list[0]!.damaged?.reason).toMatch(/link to a place outside/);
    await expect(store.open('rooted-12345678')).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'outside-workspace' });
    await expect(store.update('rooted-12345678', { port: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(store.resolveFile('rooted-12345678', 'etc/hostname')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Delete moves the link itself into Kiln's own trash; the OS trash is never given it.
    const res = await store.delete('rooted-12345678');
    expect(trashed).toEqual([]);
    expect(res.movedTo).toBe('workspace-trash');
    expect(res.location!.startsWith(path.join(ws, '.kiln', 'trash'))).toBe(true);
    expect((await fs.lstat(res.location!)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(res.location!)).toBe('/');
    expect(await store.list()).toEqual([]);
  });

  it('lists a 50 MB metadata.json as damaged without reading it, and keeps it', async () => {
    const { store, root } = await setup();
    const dir = path.join(root, 'huge-12345678');
    await fs.mkdir(dir);
    const handle = await fs.open(path.join(dir, 'metadata.json'), 'w');
    await handle.truncate(50 * 1024 * 1024);
    await handle.close();
    const [item] = await store.list();
    expect(item!.damaged?.reason).toMatch(/50\.0 MB/);
    await expect(store.open('huge-12345678')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await fs.stat(path.join(dir, 'metadata.json'))).size).toBe(50 * 1024 * 1024);
  });

  it('lists invalid records (wrong shapes, not an object, missing) as damaged with reasons', async () => {
    const { store, root } = await setup();
    const put = async (slug: string, content: string | null) => {
      await fs.mkdir(path.join(root, slug));
      if (content !== null) await fs.writeFile(path.join(root, slug, 'metadata.json'), content);
    };
    await put('array-1', '[1,2,3]');
    await put('noid-1', JSON.stringify({ slug: 'noid-1', name: 'x', type: 'document', createdAt: 'a', updatedAt: 'b' }));
    await put('badfiles-1', JSON.stringify({ id: 'abcdabcd', slug: 'badfiles-1', name: 'x', type: 'document', createdAt: 'a', updatedAt: 'b', files: 'nope' }));
    await put('empty-1', null);
    const reasons = Object.fromEntries((await store.list()).map((i) => [i.slug, i.damaged?.reason]));
    expect(reasons['array-1']).toMatch(/does not hold a JSON object/);
    expect(reasons['noid-1']).toMatch(/id/);
    expect(reasons['badfiles-1']).toMatch(/files/);
    expect(reasons['empty-1']).toMatch(/no metadata.json/);
  });

  it('a metadata.json that cannot be read as a file (a folder) is damaged, not fatal', async () => {
    const { store, root } = await setup();
    await fs.mkdir(path.join(root, 'odd-1', 'metadata.json'), { recursive: true });
    const [item] = await store.list();
    expect(item!.damaged?.reason).toMatch(/not a regular file/);
  });

  it('an unreadable artifact file gives a clear error from the preview readers', async () => {
    const { store, root, readers } = await setup();
    const r = await store.create({ name: 'A', type: 'document', primary: 'doc.md' });
    const file = path.join(root, r.slug, 'doc.md');
    await fs.writeFile(file, '# hi');
    await fs.chmod(file, 0o000);
    // As root the permission bits don't stop a read, so a FIFO stands in for "can't be read as a file".
    const fifoLike = path.join(root, r.slug, 'pipe.md');
    await fs.mkdir(fifoLike);
    await expect(readers.readText(r.slug, 'pipe.md')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/not a regular file/) });
    if (process.getuid?.() !== 0) {
      await expect(readers.readText(r.slug, 'doc.md')).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/permission denied/) });
    } else {
      expect((await readers.readText(r.slug, 'doc.md')).text).toBe('# hi');
    }
    expect((await store.open(r.slug)).files.map((f) => f.path)).toEqual(['doc.md']);
  });
});
