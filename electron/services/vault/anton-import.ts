import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  datasourceSlug,
  DS_NAME_RE,
  ENGINE_ID_RE,
  isSecretField,
} from '../../../shared/vault/catalog';
import { isImportableFieldName } from './field-rules';

/**
 * Reads anton's vault (`~/.anton/data_vault/<engine>-<name>`: JSON with `fields` and optional
 * `secure_keys`). Read-only: nothing here opens a file for writing.
 */

export interface AntonRecord {
  file: string;
  slug: string;
  engine: string;
  name: string;
  label: string;
  plain: Record<string, string>;
  secret: Record<string, string>;
  status: 'new' | 'exists' | 'invalid';
  problem?: string;
}

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 500;

/**
 * anton's vault file name for a connection: `<engine>-<name>` with every character outside
 * `[\w-]` turned into `_` and `_` trimmed at both ends (`postgres-prod_eu` for `prod.eu`), no
 * extension. The record inside keeps the real engine and name, which is what the slug, the
 * artifact's `datasources[]` and the `DS_*` names are made of.
 */
export function antonVaultFileName(engine: string, name: string): string {
  const clean = (v: string): string => v.replace(/[^\p{L}\p{N}_-]/gu, '_').replace(/^_+|_+$/g, '');
  return `${clean(engine)}-${clean(name)}`;
}

/** Bookkeeping fields anton keeps the connection's human name in (`_user_label` first). */
const LABEL_FIELDS = ['_user_label', '_label'];

function splitFileName(base: string): { engine: string; name: string } | null {
  const stem = base.replace(/\.json$/i, '');
  const cut = stem.lastIndexOf('-');
  if (cut <= 0 || cut === stem.length - 1) return null;
  return { engine: stem.slice(0, cut), name: stem.slice(cut + 1) };
}

/**
 * A field value as anton hands it to a backend (`str(value)`): text as is (an empty one too),
 * booleans as Python prints them (`True`/`False`), numbers as digits; null is left out as
 * anton's publisher leaves it out.
 */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function invalid(file: string, engine: string, name: string, problem: string): AntonRecord {
  return { file, slug: datasourceSlug(engine, name), engine, name, label: datasourceSlug(engine, name), plain: {}, secret: {}, status: 'invalid', problem };
}

export async function parseAntonRecord(dir: string, base: string, existing: Set<string>): Promise<AntonRecord | null> {
  const full = path.join(dir, base);
  const stat = await fs.lstat(full).catch(() => null);
  if (!stat || !stat.isFile()) return null;
  const fromName = splitFileName(base) ?? { engine: 'unknown', name: base };
  if (stat.size > MAX_FILE_BYTES) return invalid(base, fromName.engine, fromName.name, 'larger than 1 MB');
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(full, 'utf8'));
  } catch {
    return invalid(base, fromName.engine, fromName.name, 'not valid JSON');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return invalid(base, fromName.engine, fromName.name, 'not a vault record');
  const obj = json as Record<string, unknown>;
  // Prefer the record's own engine/name when they match the file name (an engine may contain "-").
  let { engine, name } = fromName;
  const stem = base.replace(/\.json$/i, '');
  if (typeof obj.engine === 'string' && typeof obj.name === 'string' && (stem === datasourceSlug(obj.engine, obj.name) || stem === antonVaultFileName(obj.engine, obj.name))) {
    engine = obj.engine;
    name = obj.name;
  }
  if (!ENGINE_ID_RE.test(engine) || !DS_NAME_RE.test(name)) return invalid(base, engine, name, 'the file name is not <engine>-<name>');
  const fields = obj.fields;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return invalid(base, engine, name, 'no "fields" object');
  const secureKeys = new Set(Array.isArray(obj.secure_keys) ? obj.secure_keys.filter((k): k is string => typeof k === 'string') : []);
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  const all = fields as Record<string, unknown>;
  for (const [field, raw] of Object.entries(all)) {
    if (LABEL_FIELDS.includes(field)) continue; // becomes the label below
    const value = asText(raw);
    if (value === null) continue;
    // A name anton accepts but no variable can carry (a space, `=`) skips that field, not the record.
    if (!isImportableFieldName(field)) continue;
    // An empty value has nothing to hide: it stays a plain field, exported empty as anton does.
    if (value !== '' && (secureKeys.has(field) || isSecretField(engine, field))) secret[field] = value;
    else plain[field] = value;
  }
  const labelRaw = [...LABEL_FIELDS.map((f) => all[f]), obj.label, obj.display_name, obj.description].find((v) => typeof v === 'string' && v.trim() !== '');
  const label = (typeof labelRaw === 'string' ? labelRaw.trim() : datasourceSlug(engine, name)).slice(0, 100);
  const slug = datasourceSlug(engine, name);
  return { file: base, slug, engine, name, label, plain, secret, status: existing.has(slug) ? 'exists' : 'new' };
}

export async function scanAntonVault(dir: string, existing: Set<string>): Promise<{ found: boolean; records: AntonRecord[] }> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return { found: false, records: [] };
  }
  const records: AntonRecord[] = [];
  for (const base of names.filter((n) => !n.startsWith('.')).sort().slice(0, MAX_FILES)) {
    const record = await parseAntonRecord(dir, base, existing);
    if (record) records.push(record);
  }
  return { found: true, records };
}
