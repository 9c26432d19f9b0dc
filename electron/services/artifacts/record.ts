import { artifactRecordSchema, artifactTypes, type ArtifactRecord } from '../../../shared/contract/artifacts';
import { describeZodError } from '../../../shared/contract/core';

/** metadata.json larger than this is not parsed: a record is a few KB, so it's damage or abuse. */
export const MAX_METADATA_BYTES = 5 * 1024 * 1024;

const KEY_ORDER = [
  'schemaVersion',
  'id',
  'slug',
  'createdAt',
  'updatedAt',
  'name',
  'description',
  'type',
  'primary',
  'port',
  'datasources',
  'files',
  'provenance',
] as const;

export type ParseResult = { ok: true; record: ArtifactRecord } | { ok: false; reason: string };

/** Reads a record; every failure comes back as a reason a person can act on. */
export function parseRecord(raw: string, folderName: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reason: `metadata.json is not valid JSON (${(error as Error).message}).` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'metadata.json does not hold a JSON object.' };
  }
  applyAntonDefaults(json as Record<string, unknown>);
  const type = (json as Record<string, unknown>).type;
  if (typeof type === 'string' && !(artifactTypes as readonly string[]).includes(type)) {
    return { ok: false, reason: `Unknown artifact type "${type.slice(0, 60)}".` };
  }
  const parsed = artifactRecordSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `metadata.json is invalid: ${describeZodError(parsed.error)}.` };
  if (parsed.data.slug !== folderName) {
    // anton keys records by folder; a copied folder keeps its old slug inside. The folder wins.
    parsed.data.slug = folderName;
  }
  return { ok: true, record: parsed.data };
}

/**
 * The defaults anton's model fills in when it reads a record (`TurnEntry.files_touched`,
 * `ProvenanceEntry.turns` default to `[]`, `title` to null), so a record anton accepts is never
 * shown as damaged here. Only missing keys are filled; a wrong type stays an error.
 */
function applyAntonDefaults(json: Record<string, unknown>): void {
  if (!Array.isArray(json.provenance)) return;
  for (const raw of json.provenance) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const entry = raw as Record<string, unknown>;
    if (entry.turns === undefined) entry.turns = [];
    if (entry.title === undefined) entry.title = null;
    if (!Array.isArray(entry.turns)) continue;
    for (const turn of entry.turns) {
      if (turn && typeof turn === 'object' && !Array.isArray(turn) && (turn as Record<string, unknown>).files_touched === undefined) {
        (turn as Record<string, unknown>).files_touched = [];
      }
    }
  }
}

/** Pretty JSON in anton's key order; keys Kiln doesn't know follow, unchanged. */
export function serializeRecord(record: ArtifactRecord): string {
  const out: Record<string, unknown> = {};
  const source = record as Record<string, unknown>;
  for (const key of KEY_ORDER) out[key] = source[key];
  for (const [key, value] of Object.entries(source)) if (!(key in out)) out[key] = value;
  return `${JSON.stringify(out, null, 2)}\n`;
}
