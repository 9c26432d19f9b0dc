/**
 * Deleting an artifact through the real store in a temp workspace: the backend stops and the
 * scratchpad resets before the folder moves, and a backend that won't stop keeps the folder.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { ArtifactRemoval } from './removal';
import { ArtifactStore } from './store';

let base: string;
let store: ArtifactStore;
const steps: string[] = [];
const running = new Set<string>();
let stopFails = false;

const backends = {
  status: (slug: string) => ({ state: running.has(slug) ? 'running' : 'stopped' }),
  stop: async (slug: string) => {
    if (stopFails) throw new KilnError('EXTERNAL', `The backend of ${slug} did not stop.`);
    steps.push(`stop ${slug}`);
    running.delete(slug);
  },
};
const scratchpads = { reset: (slug: string) => steps.push(`reset ${slug}`) };

function removal(): ArtifactRemoval {
  return new ArtifactRemoval({
    trash: async (slug) => {
      steps.push(`trash ${slug}`);
      return store.delete(slug);
    },
    backends,
    scratchpads,
  });
}

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-removal-'));
  store = new ArtifactStore({ workspaceDir: () => base, trashItem: async () => false });
  steps.length = 0;
  running.clear();
  stopFails = false;
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe('ArtifactRemoval', () => {
  it('stops a running backend and resets the scratchpad before the folder moves to the trash', async () => {
    const { slug } = await store.create({ name: 'Sales app', type: 'fullstack-stateless-app' });
    running.add(slug);
    await expect(removal().remove(slug)).resolves.toMatchObject({ movedTo: 'workspace-trash' });
    expect(steps).toEqual([`stop ${slug}`, `reset ${slug}`, `trash ${slug}`]);
    await expect(fs.access(path.join(store.root(), slug))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does not stop a backend that is not running', async () => {
    const { slug } = await store.create({ name: 'Notes', type: 'document' });
    await removal().remove(slug);
    expect(steps).toEqual([`reset ${slug}`, `trash ${slug}`]);
  });

  it('keeps the folder when the backend will not stop, and says why', async () => {
    const { slug } = await store.create({ name: 'Stuck app', type: 'fullstack-stateless-app' });
    running.add(slug);
    stopFails = true;
    await expect(removal().remove(slug)).rejects.toMatchObject({ code: 'EXTERNAL', message: expect.stringContaining('did not stop') });
    expect(steps).toEqual([]);
    await expect(fs.access(path.join(store.root(), slug))).resolves.toBeUndefined();
  });

  it('an unknown artifact is NOT_FOUND and nothing else happens to it', async () => {
    await expect(removal().remove('nope-12345678')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(steps).toEqual([`reset nope-12345678`, `trash nope-12345678`]);
  });
});
