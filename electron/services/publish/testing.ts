/**
 * Builders for publish tests: real artifact folders in a temp dir (anton's layout) and
 * small real implementations of the ports. Only imported by *.test.ts files.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { datasourceSlug, envVarName } from '../../../shared/vault/catalog';
import { ArtifactStore } from '../artifacts/store';
import type { PublishArtifactRecord, VaultPort } from './ports';

/** Every folder `tempDir` made in this test file; removed once its tests are done. */
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'kiln-publish-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh workspace's artifacts folder (`<ws>/.anton/artifacts`), where the real store looks. */
export async function tempArtifactsRoot(): Promise<string> {
  const root = path.join(await tempDir(), '.anton', 'artifacts');
  await fs.mkdir(root, { recursive: true });
  return root;
}

export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
  }
}

export interface ArtifactSpec {
  slug?: string;
  name?: string;
  type?: string;
  primary?: string | null;
  datasources?: { engine: string; name: string }[];
  files: Record<string, string | Buffer>;
}

/** Writes `<root>/<slug>/metadata.json` plus the files, and returns the record. */
export async function makeArtifact(root: string, spec: ArtifactSpec): Promise<PublishArtifactRecord> {
  const id = randomBytes(4).toString('hex');
  const record: PublishArtifactRecord = {
    id,
    slug: spec.slug ?? `artifact-${id}`,
    name: spec.name ?? 'Test artifact',
    type: spec.type ?? 'html-app',
    primary: spec.primary === undefined ? 'index.html' : spec.primary,
    datasources: spec.datasources ?? [],
  };
  const dir = path.join(root, record.slug);
  await fs.mkdir(dir, { recursive: true });
  const stamp = '2026-01-01T00:00:00+00:00';
  const full = { schemaVersion: 1, ...record, createdAt: stamp, updatedAt: stamp, description: '', port: null, files: [], provenance: [] };
  await fs.writeFile(path.join(dir, 'metadata.json'), `${JSON.stringify(full, null, 2)}\n`);
  await writeFiles(dir, spec.files);
  return record;
}

/** The real artifact store over the workspace whose artifacts folder is `root` (from tempArtifactsRoot). */
export function folderArtifacts(root: string): ArtifactStore {
  if (path.basename(root) !== 'artifacts' || path.basename(path.dirname(root)) !== '.anton') throw new Error(`${root} is not <ws>/.anton/artifacts`);
  return new ArtifactStore({ workspaceDir: () => path.dirname(path.dirname(root)) });
}

/** A vault holding datasources' fields in memory; `register` tells the scrubber about secrets. */
export class MemoryVault implements VaultPort {
  private readonly sources = new Map<string, { ds: { engine: string; name: string }; fields: Record<string, string> }>();
  constructor(private readonly register: (name: string, value: string) => void = () => undefined) {}

  add(ds: { engine: string; name: string }, fields: Record<string, string>, secretFields: string[] = ['password']): void {
    this.sources.set(datasourceSlug(ds.engine, ds.name), { ds, fields });
    for (const f of secretFields) if (fields[f]) this.register(envVarName(ds.engine, ds.name, f), fields[f]);
  }
  exists(slug: string): boolean {
    return this.sources.has(slug);
  }
  envFor(slugs: string[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const slug of slugs) {
      const source = this.sources.get(slug);
      if (!source) continue;
      for (const [k, v] of Object.entries(source.fields)) env[envVarName(source.ds.engine, source.ds.name, k)] = v;
    }
    return env;
  }
}
