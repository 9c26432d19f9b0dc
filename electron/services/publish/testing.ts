/**
 * Builders for publish tests: real artifact folders in a temp dir (anton's layout) and
 * small real implementations of the ports. Only imported by *.test.ts files.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envPrefix, type ArtifactSource, type PublishArtifactRecord, type VaultPort } from './ports';

export async function tempDir(prefix = 'kiln-publish-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
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
  await fs.writeFile(path.join(dir, 'metadata.json'), `${JSON.stringify({ schemaVersion: 1, ...record, files: [] }, null, 2)}\n`);
  await writeFiles(dir, spec.files);
  return record;
}

/** Reads metadata.json from `<root>/<slug>` like the artifact store does (no caching). */
export function folderArtifacts(root: string): ArtifactSource {
  return {
    dir: (slug) => {
      if (!/^[A-Za-z0-9._-]+$/.test(slug) || slug.startsWith('.')) throw new Error(`unsafe slug ${slug}`);
      return path.join(root, slug);
    },
    open: async (slug) => JSON.parse(await fs.readFile(path.join(root, slug, 'metadata.json'), 'utf8')) as PublishArtifactRecord,
  };
}

/** A vault holding datasources' fields in memory; `register` tells the scrubber about secrets. */
export class MemoryVault implements VaultPort {
  private readonly sources = new Map<string, Record<string, string>>();
  constructor(private readonly register: (name: string, value: string) => void = () => undefined) {}

  add(ds: { engine: string; name: string }, fields: Record<string, string>, secretFields: string[] = ['password']): void {
    this.sources.set(`${ds.engine}-${ds.name}`, fields);
    for (const f of secretFields) if (fields[f]) this.register(`${envPrefix(ds)}__${f.toUpperCase()}`, fields[f]);
  }
  exists(slug: string): boolean {
    return this.sources.has(slug);
  }
  envFor(slugs: string[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const slug of slugs) {
      const [engine = '', ...rest] = slug.split('-');
      const fields = this.sources.get(slug) ?? {};
      for (const [k, v] of Object.entries(fields)) env[`${envPrefix({ engine, name: rest.join('-') })}__${k.toUpperCase()}`] = v;
    }
    return env;
  }
}
