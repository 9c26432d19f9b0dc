import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactStore, type ArtifactStoreOptions } from './store';

/** A fresh workspace folder in the OS temp dir and a store over it; `cleanup()` removes it. */
export async function tempStore(options: Partial<ArtifactStoreOptions> = {}): Promise<{
  ws: string;
  root: string;
  store: ArtifactStore;
  cleanup: () => Promise<void>;
}> {
  const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-artifacts-'));
  const store = new ArtifactStore({ workspaceDir: () => ws, ...options });
  // A caller's own workspaceDir may only know the folder once this returns.
  const root = path.join(ws, '.anton', 'artifacts');
  await fs.mkdir(root, { recursive: true });
  return { ws, root, store, cleanup: () => fs.rm(ws, { recursive: true, force: true }) };
}

export async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}
