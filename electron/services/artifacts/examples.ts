import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isToolingDir } from '../../../shared/artifacts/rules';
import { artifactTypeSchema } from '../../../shared/contract/artifacts';
import { describeZodError, KilnError } from '../../../shared/contract/core';
import type { ArtifactStore } from './store';

/** `kiln-example.json` beside each example's files: what the record should say. */
const exampleSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  type: artifactTypeSchema,
  primary: z.string().max(4096).nullable().default(null),
  order: z.number().int().default(0),
});
const MANIFEST = 'kiln-example.json';

/**
 * Copies every example under `<resourcesDir>/examples/` into the workspace as a new artifact
 * (fresh id and slug each time), so they behave exactly like the agent's work.
 */
export async function addExamples(store: ArtifactStore, resourcesDir: string): Promise<string[]> {
  const base = path.join(resourcesDir, 'examples');
  let names: string[];
  try {
    names = (await fs.readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    throw new KilnError('NOT_FOUND', `The bundled examples are missing (${base}). Reinstall Kiln to get them back.`);
  }
  const examples = [];
  for (const name of names) {
    const dir = path.join(base, name);
    const raw = await fs.readFile(path.join(dir, MANIFEST), 'utf8').catch(() => null);
    if (raw === null) continue;
    const parsed = exampleSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new KilnError('INTERNAL', `The bundled example "${name}" is broken.`, describeZodError(parsed.error));
    examples.push({ dir, ...parsed.data });
  }
  examples.sort((a, b) => a.order - b.order);
  const slugs: string[] = [];
  for (const ex of examples) {
    // Files in place before the card appears (one opened at once finds its backend.py); then
    // files[] reconciled and one change announced for them, as for any write through the door.
    const keep = (src: string): boolean => path.basename(src) !== MANIFEST && !isToolingDir(path.basename(src));
    const record = await store.create({ name: ex.name, description: ex.description, type: ex.type, primary: ex.primary }, 'user', { source: ex.dir, keep });
    slugs.push(record.slug);
  }
  return slugs;
}
