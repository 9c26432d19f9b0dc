import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { toPrettyJson, writeFileAtomic } from '../fs/atomic-write';

/** The part of an artifact record the backends and the preview read. */
export interface ArtifactRecord {
  type: string;
  primary: string | null;
  datasources: { engine: string; name: string }[];
}

/** The narrow view of the artifact store the backends and preview are built against. */
export interface ArtifactsPort {
  dir(slug: string): string;
  open(slug: string): Promise<ArtifactRecord>;
  update(slug: string, patch: { port: number | null }): Promise<unknown>;
}

const SLUG = /^[A-Za-z0-9._-]+$/;

/**
 * A minimal reader of anton's artifact folders (format §2), used when the full artifact
 * store is not wired in (and by tests). It keeps unknown keys when it rewrites a record.
 */
export class ArtifactFolders implements ArtifactsPort {
  constructor(private readonly root: () => string) {}

  dir(slug: string): string {
    if (!SLUG.test(slug) || slug === '.' || slug === '..') {
      throw new KilnError('VALIDATION', `"${slug.slice(0, 80)}" is not a valid artifact name.`);
    }
    return path.join(this.root(), slug);
  }

  async open(slug: string): Promise<ArtifactRecord> {
    const raw = await this.read(slug);
    const type = typeof raw.type === 'string' ? raw.type : '';
    const primary = typeof raw.primary === 'string' && raw.primary ? raw.primary : null;
    const datasources = Array.isArray(raw.datasources)
      ? raw.datasources.flatMap((d: unknown) => {
          if (d && typeof d === 'object' && typeof (d as { engine?: unknown }).engine === 'string' && typeof (d as { name?: unknown }).name === 'string') {
            return [{ engine: (d as { engine: string }).engine, name: (d as { name: string }).name }];
          }
          return [];
        })
      : [];
    return { type, primary, datasources };
  }

  async update(slug: string, patch: { port: number | null }): Promise<void> {
    const raw = await this.read(slug);
    raw.port = patch.port;
    raw.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
    await writeFileAtomic(path.join(this.dir(slug), 'metadata.json'), toPrettyJson(raw));
  }

  private async read(slug: string): Promise<Record<string, unknown>> {
    const file = path.join(this.dir(slug), 'metadata.json');
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      throw new KilnError('NOT_FOUND', `The artifact "${slug}" does not exist.`);
    }
    try {
      const data = JSON.parse(text) as unknown;
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
      return data as Record<string, unknown>;
    } catch {
      throw new KilnError('IO', `The record of "${slug}" (metadata.json) cannot be read. Fix or restore the file.`);
    }
  }
}
