import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactReveal } from './reveal';
import { ArtifactStore } from './store';

let base: string;
let store: ArtifactStore;
const revealed: string[] = [];

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-reveal-'));
  store = new ArtifactStore({ workspaceDir: () => base });
  revealed.length = 0;
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const reveal = (fails = false): ArtifactReveal =>
  new ArtifactReveal({
    store,
    revealInFolder: async (target) => {
      if (fails) throw new Error('spawn xdg-open ENOENT');
      revealed.push(target);
    },
  });

describe('ArtifactReveal', () => {
  it('shows the folder, or a file inside it', async () => {
    const { slug } = await store.create({ name: 'Notes', type: 'document' });
    await store.files.write(slug, 'notes.md', '# hi', 'user');
    await reveal().reveal(slug);
    await reveal().reveal(slug, 'notes.md');
    expect(revealed).toEqual([path.join(store.root(), slug), path.join(store.root(), slug, 'notes.md')]);
  });

  it('says where the folder is when no file manager can be opened', async () => {
    const { slug } = await store.create({ name: 'Notes', type: 'document' });
    await expect(reveal(true).reveal(slug)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(path.join(store.root(), slug)),
      details: 'spawn xdg-open ENOENT',
    });
  });

  it('refuses a path out of the folder and an unknown artifact before opening anything', async () => {
    const { slug } = await store.create({ name: 'Notes', type: 'document' });
    await expect(reveal().reveal(slug, '../../etc/passwd')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(reveal().reveal('nope-12345678')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(revealed).toEqual([]);
  });
});
