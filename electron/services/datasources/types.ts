/**
 * What a connector does for one engine: test a connection, describe its tables (names, columns,
 * types and cheap row counts, never values) and run one read-only query with a row and time cap.
 * Connectors get the datasource's fields (secrets included) straight from the vault and pass them
 * to the driver; nothing they return may contain a secret (the service scrubs it anyway).
 */
export interface ConnectionConfig {
  engine: string;
  /** Plain and secret fields together, by field name. */
  fields: Record<string, string>;
}

export type TestOutcome = 'ok' | 'unreachable' | 'auth' | 'database' | 'tls' | 'timeout' | 'unsupported' | 'invalid' | 'error';

export interface TestResult {
  ok: boolean;
  outcome: TestOutcome;
  /** One sentence: "Connected to PostgreSQL 15.8." or what went wrong and what to do. */
  message: string;
  /** Server version on success (e.g. "PostgreSQL 15.8", "MariaDB 10.11.6"). */
  version?: string;
  durationMs: number;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable?: boolean;
}

export interface TableInfo {
  /** `schema.table` for PostgreSQL, the table name elsewhere; a path for REST. */
  name: string;
  kind: 'table' | 'view' | 'endpoint';
  columns: ColumnInfo[];
  /** Cheap estimate or exact count where that is cheap; absent when unknown. */
  rowCount?: number;
  rowCountExact?: boolean;
}

export interface SchemaDescription {
  engine: string;
  version?: string;
  tables: TableInfo[];
  /** Set when the listing was cut (too many tables). */
  truncated?: boolean;
  note?: string;
}

export interface QueryLimits {
  maxRows: number;
  timeoutMs: number;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** More rows existed than `maxRows`. */
  truncated: boolean;
}

export interface ConnectorOptions {
  /** Connect and login time limit (ms). */
  connectTimeoutMs: number;
  /** The Python interpreter for engines read through Python's stdlib (SQLite). */
  python: () => Promise<string>;
  signal?: AbortSignal;
}

export interface Connector {
  /** Human engine name for messages ("PostgreSQL"). */
  label: string;
  /** Server version, or throws a ConnectError. */
  test(cfg: ConnectionConfig, opts: ConnectorOptions): Promise<string>;
  describe(cfg: ConnectionConfig, opts: ConnectorOptions): Promise<SchemaDescription>;
  query(cfg: ConnectionConfig, sql: string, limits: QueryLimits, opts: ConnectorOptions): Promise<QueryResult>;
}

/** A failure already explained in one sentence, with the outcome the UI shows. */
export class ConnectError extends Error {
  constructor(
    readonly outcome: TestOutcome,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

export const MAX_TABLES = 200;
