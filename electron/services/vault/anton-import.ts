import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  datasourceSlug,
  DS_NAME_RE,
  ENGINE_ID_RE,
  FIELD_NAME_RE,
  isSecretField,
} from '../../../shared/vault/catalog';

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

function splitFileName(base: string): { engine: string; name: string } | null {
  const stem = base.replace(/\.json$/i, '');
  const cut = stem.lastIndexOf('-');
  if (cut <= 0 || cut === stem.length - 1) return null;
  return { engine: stem.slice(0, cut), name: stem.slice(cut + 1) };
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
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
  if (typeof obj.engine === 'string' && typeof obj.name === 'string' && base.replace(/\.json$/i, '') === datasourceSlug(obj.engine, obj.name)) {
    engine = obj.engine;
    name = obj.name;
  }
  if (!ENGINE_ID_RE.test(engine) || !DS_NAME_RE.test(name)) return invalid(base, engine, name, 'the file name is not <engine>-<name>');
  const fields = obj.fields;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return invalid(base, engine, name, 'no "fields" object');
  const secureKeys = new Set(Array.isArray(obj.secure_keys) ? obj.secure_keys.filter((k): k is string => typeof k === 'string') : []);
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [field, raw] of Object.entries(fields as Record<string, unknown>)) {
    const value = asText(raw);
    if (value === null || value === '') continue;
    if (!FIELD_NAME_RE.test(field)) return invalid(base, engine, name, `field "${field.slice(0, 64)}" has characters Kiln can't use in a variable name`);
    if (secureKeys.has(field) || isSecretField(engine, field)) secret[field] = value;
    else plain[field] = value;
  }
  const labelRaw = [obj.label, obj.display_name, obj.description].find((v) => typeof v === 'string' && v.trim() !== '');
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
