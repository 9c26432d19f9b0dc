import { promises as fs } from 'node:fs';
import { KilnError } from '../../../shared/contract/core';
import type { BundlePlan } from './bundle-plan';
import { buildZip, removeZip, type ZipResult, type ZipSource } from './zip';

export interface CurrentMd5 {
  md5: string;
  bytes: number;
  /** md5 of anton's (smaller) selection of the same static page; null when it is the same selection. */
  antonMd5: string | null;
}

/**
 * md5 of a fresh bundle per artifact, cached on the bundled files' names, sizes and mtimes, so a
 * gallery of badges does not zip every artifact on every refresh. For a static page whose anton
 * selection is smaller, also the md5 anton's bundle would have, so a page published by anton
 * shows "published" when nothing changed.
 */
export class BundleMd5s {
  private readonly cache = new Map<string, CurrentMd5 & { signature: string }>();

  constructor(private readonly maxBytes: () => number) {}

  /** null when the bundle can't be built (a missing file, an unsupported type, over the size limit). */
  async current(slug: string, plan: BundlePlan): Promise<CurrentMd5 | null> {
    if (plan.blocking.some((p) => p.kind === 'missing-file' || p.kind === 'unsupported-type') || plan.entries.length === 0) return null;
    const stats = await Promise.all(
      plan.entries.map(async (e) => {
        const st = await fs.stat(e.abs).catch(() => null);
        return `${e.name}\0${st?.size ?? -1}\0${st?.mtimeMs ?? -1}`;
      }),
    );
    const signature = `${stats.join('\n')}\n${(plan.antonEntries ?? []).map((e) => e.name).join('\0')}`;
    const cached = this.cache.get(slug);
    if (cached && cached.signature === signature) return cached;
    const kiln = await this.zipMd5(plan.entries);
    if (!kiln) return null;
    const anton = plan.antonEntries ? await this.zipMd5(plan.antonEntries) : null;
    const value = { signature, md5: kiln.md5, bytes: kiln.bytes, antonMd5: anton?.md5 ?? null };
    this.cache.set(slug, value);
    return value;
  }

  private async zipMd5(entries: ZipSource[]): Promise<{ md5: string; bytes: number } | null> {
    let zip: ZipResult;
    try {
      zip = await buildZip(entries, { maxBytes: this.maxBytes() });
    } catch (error) {
      if (error instanceof KilnError && error.code === 'VALIDATION') return null;
      throw error;
    }
    await removeZip(zip.file);
    return { md5: zip.md5, bytes: zip.bytes };
  }
}
