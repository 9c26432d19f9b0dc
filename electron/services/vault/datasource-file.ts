import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KilnError } from '../../../shared/contract/core';
import { DS_NAME_RE, ENGINE_ID_RE } from '../../../shared/vault/catalog';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/** One datasource as stored in `<ws>/.kiln/datasources.json`: never a secret value. */
export const storedDatasourceSchema = z.object({
  engine: z.string().regex(ENGINE_ID_RE),
  name: z.string().regex(DS_NAME_RE),
  label: z.string().min(1).max(100),
  /** Non-secret fields only. */
  fields: z.record(z.string(), z.string()),
  /** Names of secret fields that hold a value in the keychain. */
  secretFields: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The last "Test connection" outcome (never a secret: a scrubbed sentence); absent = untested. */
  connection: z
    .object({ state: z.enum(['ok', 'failing']), at: z.string(), message: z.string().max(2000) })
    .optional(),
});
export type StoredDatasource = z.infer<typeof storedDatasourceSchema>;

const fileSchema = z.object({
  version: z.literal(1),
  datasources: z.array(storedDatasourceSchema),
});

export function datasourcesFile(workspace: string): string {
  return path.join(workspace, '.kiln', 'datasources.json');
}

export async function readDatasources(workspace: string): Promise<StoredDatasource[]> {
  const file = datasourcesFile(workspace);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KilnError('IO', `Kiln could not read ${file}. Check its permissions.`, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new KilnError(
      'IO',
      `${file} is not valid JSON, so Kiln left it untouched. Fix it or move it away to start with no datasources.`,
      (error as Error).message,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new KilnError(
      'IO',
      `${file} does not look like a Kiln datasource list, so Kiln left it untouched. Fix it or move it away.`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 1000),
    );
  }
  return parsed.data.datasources;
}

export async function writeDatasources(workspace: string, list: StoredDatasource[]): Promise<void> {
  const file = datasourcesFile(workspace);
  await writeStateFile(file, toPrettyJson({ version: 1, datasources: list }));
}
