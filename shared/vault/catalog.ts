/**
 * The built-in datasource engines and the anton naming rules (anton-format.md §3). Pure data and
 * functions, shared by main (validation, env production) and the renderer (forms).
 */

export type FieldKind = 'text' | 'number' | 'url' | 'secret' | 'multiline-secret';

export interface FieldSpec {
  /** Field key as stored and as the env-var suffix (uppercased). */
  name: string;
  label: string;
  kind: FieldKind;
  secret: boolean;
  required: boolean;
  placeholder?: string;
  defaultValue?: string;
  help?: string;
}

export interface EngineSpec {
  id: string;
  label: string;
  description: string;
  fields: FieldSpec[];
  /** Generic: the user names the fields; secrecy follows the name heuristic. */
  freeForm: boolean;
}

const text = (name: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label,
  kind: 'text',
  secret: false,
  required: false,
  ...extra,
});
const secret = (name: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label,
  kind: 'secret',
  secret: true,
  required: false,
  ...extra,
});

export const GENERIC_ENGINE = 'generic';

export const ENGINES: readonly EngineSpec[] = [
  {
    id: 'postgres',
    label: 'PostgreSQL',
    description: 'A PostgreSQL server (also Supabase, Neon, RDS, Redshift-compatible endpoints).',
    freeForm: false,
    fields: [
      text('host', 'Host', { required: true, placeholder: 'db.example.com' }),
      text('port', 'Port', { kind: 'number', defaultValue: '5432' }),
      text('database', 'Database', { required: true }),
      text('user', 'User', { required: true }),
      secret('password', 'Password'),
      text('sslmode', 'SSL mode', { placeholder: 'prefer', help: 'disable, allow, prefer, require, verify-ca or verify-full' }),
    ],
  },
  {
    id: 'mysql',
    label: 'MySQL / MariaDB',
    description: 'A MySQL or MariaDB server.',
    freeForm: false,
    fields: [
      text('host', 'Host', { required: true, placeholder: 'db.example.com' }),
      text('port', 'Port', { kind: 'number', defaultValue: '3306' }),
      text('database', 'Database', { required: true }),
      text('user', 'User', { required: true }),
      secret('password', 'Password'),
    ],
  },
  {
    id: 'sqlite',
    label: 'SQLite file',
    description: 'A SQLite database file on this computer (Kiln opens it read-only to test and describe it).',
    freeForm: false,
    fields: [text('path', 'File path', { required: true, placeholder: '/home/me/data/shop.db', help: 'The full path of the .db / .sqlite file.' })],
  },
  {
    id: 'snowflake',
    label: 'Snowflake',
    description: 'A Snowflake account (user + password).',
    freeForm: false,
    fields: [
      text('account', 'Account identifier', { required: true, placeholder: 'xy12345.eu-central-1' }),
      text('user', 'User', { required: true }),
      secret('password', 'Password'),
      text('warehouse', 'Warehouse'),
      text('database', 'Database'),
      text('schema', 'Schema'),
      text('role', 'Role'),
    ],
  },
  {
    id: 'bigquery',
    label: 'BigQuery',
    description: 'Google BigQuery with a service-account key (JSON).',
    freeForm: false,
    fields: [
      text('project_id', 'Project ID', { required: true }),
      text('dataset', 'Default dataset'),
      secret('service_account_json', 'Service-account JSON', {
        kind: 'multiline-secret',
        required: true,
        help: 'Paste the whole key file downloaded from Google Cloud (IAM → Service accounts → Keys).',
      }),
    ],
  },
  {
    id: 'rest-api',
    label: 'REST API',
    description: 'An HTTP API with a base URL and a bearer token.',
    freeForm: false,
    fields: [
      text('base_url', 'Base URL', { kind: 'url', required: true, placeholder: 'https://api.example.com/v1' }),
      secret('token', 'Token'),
    ],
  },
  {
    id: GENERIC_ENGINE,
    label: 'Other (free-form)',
    description: 'Any connection: name the fields yourself. Names containing password, secret, token, key… are kept secret.',
    freeForm: true,
    fields: [],
  },
];


export function engineSpec(id: string): EngineSpec | undefined {
  return ENGINES.find((e) => e.id === id);
}

/** Engine ids: catalog ones, or anton's own (kept on import so slugs stay identical). */
export const ENGINE_ID_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** Datasource names: 8 hex for new ones; imports keep anton's name. */
export const DS_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A datasource slug, `<engine>-<name>` (engine ids may contain `-` themselves). */
export const DS_SLUG_RE = new RegExp(`^${ENGINE_ID_RE.source.slice(1, -1)}-${DS_NAME_RE.source.slice(1, -1)}$`);
/** Field names become env-var suffixes, so word characters only. */
export const FIELD_NAME_RE = /^[A-Za-z0-9_]{1,64}$/;

const SECRET_HINTS = ['password', 'passphrase', 'secret', 'token', 'key', 'credential', 'auth', 'private'];

/** §3: secret when the engine says so, otherwise by the name heuristic. */
export function isSecretField(engine: string, field: string): boolean {
  const spec = engineSpec(engine)?.fields.find((f) => f.name === field);
  if (spec) return spec.secret;
  const lower = field.toLowerCase();
  return SECRET_HINTS.some((hint) => lower.includes(hint));
}

/** The one place the datasource slug is formed (anton-format.md §3). */
export function datasourceSlug(engine: string, name: string): string {
  return `${engine}-${name}`;
}

/** `DS_` + the slug uppercased with every non-word character replaced by `_`. */
export function envPrefix(engine: string, name: string): string {
  return `DS_${datasourceSlug(engine, name).toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** `DS_<ENGINE>_<NAME>__<FIELD>`: the variable a backend reads, and the keychain account of a secret field. */
export function envVarName(engine: string, name: string, field: string): string {
  return `${envPrefix(engine, name)}__${field.toUpperCase()}`;
}

/**
 * Fields that say where a connection goes: a stored secret follows them only when the user types
 * it again. The catalog's own names, plus the usual ones of free-form and anton-imported records.
 */
export const DATASOURCE_TARGET_FIELDS = ['host', 'port', 'base_url', 'account', 'path', 'url', 'uri', 'dsn', 'endpoint', 'server', 'hostname'] as const;

/** The target fields whose value differs (trimmed) between two field sets; a field left out of `next` is unchanged. */
export function movedTargetFields(before: Readonly<Record<string, string | null | undefined>>, next: Readonly<Record<string, string | null | undefined>>): string[] {
  return DATASOURCE_TARGET_FIELDS.filter((k) => k in next && (next[k] ?? '').trim() !== (before[k] ?? '').trim());
}

/** Bookkeeping fields (leading `_`) are stored but never exported. */
export function isExportedField(field: string): boolean {
  return !field.startsWith('_');
}
