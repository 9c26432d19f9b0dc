import { KilnError } from '../../../shared/contract/core';
import { engineSpec, FIELD_NAME_RE, isSecretField, type EngineSpec } from '../../../shared/vault/catalog';

const MAX_PLAIN_VALUE = 4096;

/**
 * Field names anton's vault holds and passes on as `DS_…__<NAME>`: besides word characters, a
 * `-` or `.` (HubSpot's `portal-id`). A process environment carries such a name fine (Python
 * reads `os.environ["DS_HUBSPOT_X__PORTAL-ID"]`), so Kiln accepts them too.
 */
const ANTON_FIELD_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function isImportableFieldName(field: string): boolean {
  return FIELD_NAME_RE.test(field) || ANTON_FIELD_NAME_RE.test(field);
}

/** Checks one field value against the engine's spec; throws a VALIDATION error naming the field. */
export function checkFieldValue(engine: string, field: string, value: string): void {
  if (!isImportableFieldName(field)) {
    throw new KilnError('VALIDATION', `"${field.slice(0, 64)}" is not a valid field name: use letters, digits, "_", "-" and "." only.`);
  }
  const spec = engineSpec(engine)?.fields.find((f) => f.name === field);
  const label = spec?.label ?? field;
  if (!isSecretField(engine, field) && value.length > MAX_PLAIN_VALUE) {
    throw new KilnError('VALIDATION', `${label} is too long (at most ${MAX_PLAIN_VALUE} characters).`);
  }
  if (!spec) return;
  if (spec.kind === 'number') {
    const n = Number(value);
    if (!/^\d{1,5}$/.test(value.trim()) || n < 1 || n > 65535) {
      throw new KilnError('VALIDATION', `${label} must be a number between 1 and 65535.`);
    }
  }
  if (spec.kind === 'url') {
    let ok = false;
    try {
      const url = new URL(value.trim());
      ok = url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) throw new KilnError('VALIDATION', `${label} must be an http:// or https:// URL.`);
  }
  if (engine === 'bigquery' && field === 'service_account_json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = null;
    }
    const obj = parsed as { type?: unknown; private_key?: unknown } | null;
    if (!obj || typeof obj !== 'object' || typeof obj.private_key !== 'string') {
      // Deliberately no JSON parser message: it would quote part of the secret.
      throw new KilnError('VALIDATION', 'The service-account JSON is not a Google key file: paste the whole downloaded .json file.');
    }
  }
}

/** Rejects fields a catalog engine doesn't have (free-form engines accept any valid name). */
export function checkKnownField(spec: EngineSpec | undefined, field: string): void {
  if (spec && !spec.freeForm && !spec.fields.some((f) => f.name === field)) {
    throw new KilnError('VALIDATION', `${spec.label} has no field "${field.slice(0, 64)}".`);
  }
}

/** Fields a catalog engine requires but the datasource lacks (by label, for the message). */
export function missingRequired(engine: string, plain: Record<string, string>, secretsSet: Set<string>): string[] {
  const spec = engineSpec(engine);
  if (!spec) return [];
  return spec.fields
    .filter((f) => f.required && !(f.secret ? secretsSet.has(f.name) : (plain[f.name] ?? '').trim() !== ''))
    .map((f) => f.label);
}
