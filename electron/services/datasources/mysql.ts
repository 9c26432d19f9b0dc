import type mysql from 'mysql2';
import { explain, type Target } from './errors';
import { ConnectError, MAX_TABLES, type ConnectionConfig, type Connector, type ConnectorOptions, type QueryLimits, type QueryResult, type SchemaDescription, type TableInfo } from './types';
import { jsonCell, portOf } from './values';

type Conn = mysql.Connection;

/** The driver is loaded on first use, so a host that never tests a MySQL source doesn't carry it. */
let driver: Promise<typeof mysql> | null = null;
const loadMysql = (): Promise<typeof mysql> => (driver ??= import('mysql2').then((m) => m.default));

function target(cfg: ConnectionConfig): Target {
  const f = cfg.fields;
  return { engine: 'mysql', host: f.host, port: portOf(cfg, 3306), database: f.database, user: f.user };
}

function run<T = unknown>(c: Conn, sql: string, values: unknown[] = []): Promise<T> {
  return new Promise((resolve, reject) => c.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as T))));
}

/** Connects with the keychain password handed straight to the driver (one statement per call: no multipleStatements). */
async function connect(cfg: ConnectionConfig, opts: ConnectorOptions): Promise<Conn> {
  const f = cfg.fields;
  if (!f.host || !f.database || !f.user) throw new ConnectError('invalid', 'Fill in the host, database and user first.');
  const c = (await loadMysql()).createConnection({
    host: f.host,
    port: portOf(cfg, 3306),
    user: f.user,
    password: f.password ?? '',
    database: f.database,
    connectTimeout: opts.connectTimeoutMs,
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  c.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => c.connect((err) => (err ? reject(err) : resolve())));
    return c;
  } catch (error) {
    c.destroy();
    throw explain(error, target(cfg), opts.connectTimeoutMs);
  }
}

async function withConn<T>(cfg: ConnectionConfig, opts: ConnectorOptions, work: (c: Conn) => Promise<T>): Promise<T> {
  const c = await connect(cfg, opts);
  const onAbort = (): void => c.destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(c);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    c.destroy();
  }
}

async function version(c: Conn): Promise<string> {
  const rows = await run<{ v: string }[]>(c, 'SELECT VERSION() AS v');
  const v = String(rows[0]?.v ?? '');
  const number = v.split('-')[0] ?? v;
  return /mariadb/i.test(v) ? `MariaDB ${number}` : `MySQL ${number}`;
}

/** Session and transaction read-only, and a server-side time limit (MariaDB and MySQL name it differently). */
async function readOnly(c: Conn, timeoutMs: number): Promise<void> {
  await run(c, 'SET SESSION TRANSACTION READ ONLY');
  await run(c, `SET SESSION max_statement_time = ${Math.max(0.001, timeoutMs / 1000)}`).catch(() =>
    run(c, `SET SESSION max_execution_time = ${Math.max(1, Math.round(timeoutMs))}`).catch(() => undefined),
  );
  await run(c, 'START TRANSACTION READ ONLY');
}

async function describe(c: Conn): Promise<SchemaDescription> {
  await readOnly(c, 5000);
  const cols = await run<{ t: string; k: string; c: string; ty: string; n: string }[]>(
    c,
    `SELECT c.TABLE_NAME AS t, t.TABLE_TYPE AS k, c.COLUMN_NAME AS c, c.COLUMN_TYPE AS ty, c.IS_NULLABLE AS n
     FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
     WHERE c.TABLE_SCHEMA = DATABASE() ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
  );
  const tables = new Map<string, TableInfo>();
  for (const r of cols) {
    let t = tables.get(r.t);
    if (!t) {
      if (tables.size >= MAX_TABLES) continue;
      t = { name: r.t, kind: /VIEW/.test(r.k) ? 'view' : 'table', columns: [] };
      tables.set(r.t, t);
    }
    t.columns.push({ name: r.c, type: r.ty, nullable: r.n === 'YES' });
  }
  // InnoDB's TABLE_ROWS is an estimate kept by the engine: free to read.
  const counts = await run<{ t: string; n: string | null }[]>(c, 'SELECT TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  for (const r of counts) {
    const t = tables.get(r.t);
    if (t && r.n !== null) {
      t.rowCount = Number(r.n);
      t.rowCountExact = false;
    }
  }
  await run(c, 'ROLLBACK').catch(() => undefined);
  return { engine: 'mysql', version: await version(c), tables: [...tables.values()], ...(tables.size >= MAX_TABLES ? { truncated: true } : {}) };
}

/** One statement in a read-only transaction on a read-only session; past the row cap the connection is dropped. */
async function runQuery(c: Conn, sql: string, limits: QueryLimits): Promise<QueryResult> {
  await readOnly(c, limits.timeoutMs);
  const rows: unknown[][] = [];
  let columns: string[] = [];
  let truncated = false;
  await new Promise<void>((resolve, reject) => {
    const q = c.query({ sql, rowsAsArray: true, timeout: limits.timeoutMs + 1000 });
    q.on('fields', (fields: { name: string }[] | undefined) => {
      columns = (fields ?? []).map((f) => f.name);
    });
    q.on('result', (row: unknown) => {
      if (!Array.isArray(row)) return; // an OK packet (a statement without rows)
      if (rows.length < limits.maxRows) rows.push(row.map(jsonCell));
      else if (!truncated) {
        truncated = true;
        c.destroy();
        resolve();
      }
    });
    q.on('error', (err: Error) => (truncated ? resolve() : reject(err)));
    q.on('end', () => resolve());
  });
  if (!truncated) await run(c, 'ROLLBACK').catch(() => undefined);
  return { columns, rows, truncated };
}

export const mysqlConnector: Connector = {
  label: 'MySQL / MariaDB',
  test: (cfg, opts) => withConn(cfg, opts, version),
  describe: (cfg, opts) => withConn(cfg, opts, describe),
  query: (cfg, sql, limits, opts) => withConn(cfg, opts, (c) => runQuery(c, sql, limits)),
};
