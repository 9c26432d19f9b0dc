import type { TestableEngine } from '../../../shared/contract/datasources';
import { engineSpec } from '../../../shared/vault/catalog';
import { mysqlConnector } from './mysql';
import { postgresConnector } from './postgres';
import { restConnector } from './rest';
import { sqliteConnector } from './sqlite';
import type { Connector } from './types';

/**
 * Which engines Kiln can connect to itself. PostgreSQL and MySQL/MariaDB use the Node drivers
 * `pg` and `mysql2` in main (no sandbox needed: they run no datasource code, and the keychain
 * password goes straight to the driver); SQLite goes through Python's stdlib; REST is a fetch.
 */
const CONNECTORS: Record<TestableEngine, Connector> = {
  postgres: postgresConnector,
  mysql: mysqlConnector,
  sqlite: sqliteConnector,
  'rest-api': restConnector,
};

export function connectorFor(engine: string): Connector | undefined {
  return Object.hasOwn(CONNECTORS, engine) ? CONNECTORS[engine as TestableEngine] : undefined;
}

/** The sentence for an engine Kiln has no driver for (Snowflake, BigQuery, free-form, anton's own). */
export function noDriverMessage(engine: string): string {
  const label = engineSpec(engine)?.label ?? engine;
  return `Kiln has no ${label} driver yet, so it can't test this connection; apps still get its DS_* variables.`;
}
