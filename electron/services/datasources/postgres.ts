import type pg from 'pg';
import { ConnectError, MAX_TABLES, type ColumnInfo, type ConnectionConfig, type Connector, type ConnectorOptions, type QueryLimits, type QueryResult, type SchemaDescription, type TableInfo } from './types';
import { explain, type Target } from './errors';
import { jsonCell, portOf } from './values';

type Ssl = false | { rejectUnauthorized: boolean };

/** The driver is loaded on first use, so a host that never tests a PostgreSQL source doesn't carry it. */
let driver: Promise<typeof pg> | null = null;
const loadPg = (): Promise<typeof pg> => (driver ??= import('pg').then((m) => m.default));

/** libpq's sslmode as node-pg options; `prefer` (the default) tries TLS first, like libpq. */
function sslAttempts(mode: string | undefined): Ssl[] {
  switch ((mode ?? '').trim().toLowerCase()) {
    case 'disable':
    case 'allow':
      return [false];
    case 'require':
      return [{ rejectUnauthorized: false }];
    case 'verify-ca':
    case 'verify-full':
      return [{ rejectUnauthorized: true }];
    default:
      return [{ rejectUnauthorized: false }, false];
  }
}

function target(cfg: ConnectionConfig): Target {
  const f = cfg.fields;
  return { engine: 'postgres', host: f.host, port: portOf(cfg, 5432), database: f.database, user: f.user };
}

/** Connects with the keychain password handed straight to the driver; every session defaults to read-only. */
async function connect(cfg: ConnectionConfig, opts: ConnectorOptions): Promise<pg.Client> {
  const f = cfg.fields;
  if (!f.host || !f.database || !f.user) throw new ConnectError('invalid', 'Fill in the host, database and user first.');
  const attempts = sslAttempts(f.sslmode);
  const lib = await loadPg();
  let last: unknown;
  for (const ssl of attempts) {
    const client = new lib.Client({
      host: f.host,
      port: portOf(cfg, 5432),
      database: f.database,
      user: f.user,
      password: f.password ?? '',
      ssl,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      application_name: 'Kiln',
      options: '-c default_transaction_read_only=on',
    });
    // A dropped connection after connect must not crash main.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      // `prefer`: a server without TLS gets a second, plain attempt.
      if (!(ssl && /does not support SSL/i.test(String((error as Error).message)))) break;
    }
  }
  throw explain(last, target(cfg), opts.connectTimeoutMs);
}

async function withClient<T>(cfg: ConnectionConfig, opts: ConnectorOptions, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(cfg, opts);
  // The caller's time limit or Stop ends the session (the server rolls the transaction back).
  const onAbort = (): void => void client.end().catch(() => undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(client);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}

async function version(c: pg.Client): Promise<string> {
  const r = await c.query<{ server_version: string }>('SHOW server_version');
  return `PostgreSQL ${String(r.rows[0]?.server_version ?? '').split(' ')[0]}`;
}

const DESCRIBE_SQL = `
SELECT c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'
ORDER BY c.table_schema, c.table_name, c.ordinal_position`;

const ESTIMATE_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.reltuples::bigint AS estimate, c.relpages AS pages
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

async function describe(c: pg.Client): Promise<SchemaDescription> {
  await c.query('BEGIN READ ONLY');
  await c.query("SET LOCAL statement_timeout = '5s'");
  const cols = await c.query<{ table_schema: string; table_name: string; table_type: string; column_name: string; data_type: string; is_nullable: string }>(DESCRIBE_SQL);
  const tables = new Map<string, TableInfo>();
  for (const r of cols.rows) {
    const name = r.table_schema === 'public' ? r.table_name : `${r.table_schema}.${r.table_name}`;
    let t = tables.get(name);
    if (!t) {
      if (tables.size >= MAX_TABLES) continue;
      t = { name, kind: r.table_type === 'VIEW' ? 'view' : 'table', columns: [] };
      tables.set(name, t);
    }
    const col: ColumnInfo = { name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' };
    t.columns.push(col);
  }
  const est = await c.query<{ schema: string; name: string; estimate: string; pages: number }>(ESTIMATE_SQL);
  for (const r of est.rows) {
    const t = tables.get(r.schema === 'public' ? r.name : `${r.schema}.${r.name}`);
    if (!t) continue;
    const estimate = Number(r.estimate);
    if (estimate >= 0 && r.pages > 100) {
      t.rowCount = estimate;
      t.rowCountExact = false;
    } else if (r.pages <= 100) {
      // Small (or never analysed) tables: an exact count costs at most 100 pages.
      const n = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(r.schema)}.${quoteIdent(r.name)}`).catch(() => null);
      if (n) {
        t.rowCount = Number(n.rows[0]?.n ?? 0);
        t.rowCountExact = true;
      }
    }
  }
  await c.query('ROLLBACK');
  return { engine: 'postgres', version: await version(c), tables: [...tables.values()], ...(cols.rows.length > 0 && tables.size >= MAX_TABLES ? { truncated: true } : {}) };
}

/**
 * One statement (a named prepared statement: the extended protocol refuses `;`-separated
 * lists) inside `BEGIN READ ONLY` on a session that defaults to read-only, with a server-side
 * statement timeout; rows past the cap are counted but not kept.
 */
async function runQuery(c: pg.Client, sql: string, limits: QueryLimits): Promise<QueryResult> {
  await c.query('BEGIN TRANSACTION READ ONLY');
  await c.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(limits.timeoutMs))}`);
  const rows: unknown[][] = [];
  let truncated = false;
  const lib = await loadPg();
  const fields = await new Promise<string[]>((resolve, reject) => {
    // pg's types omit `rowMode` on the Query constructor; the runtime reads it (arrays keep duplicate column names).
    const config: pg.QueryArrayConfig = { name: 'kiln_query', text: sql, rowMode: 'array' };
    const q = new lib.Query(config as unknown as pg.QueryConfig);
    q.on('row', (row: unknown[]) => {
      if (rows.length < limits.maxRows) rows.push(row.map(jsonCell));
      else truncated = true;
    });
    q.on('end', (result: pg.QueryResult) => resolve((result.fields ?? []).map((f) => f.name)));
    q.on('error', reject);
    void c.query(q);
  });
  await c.query('ROLLBACK').catch(() => undefined);
  return { columns: fields, rows, truncated };
}

export const postgresConnector: Connector = {
  label: 'PostgreSQL',
  test: (cfg, opts) => withClient(cfg, opts, version),
  describe: (cfg, opts) => withClient(cfg, opts, describe),
  query: (cfg, sql, limits, opts) => withClient(cfg, opts, (c) => runQuery(c, sql, limits)),
};
