import { z } from 'zod';
import { DS_SLUG_RE } from '../../../../shared/vault/catalog';
import { defineTool, fail, ok, type ToolDef } from './types';

/** What the datasource tools need: the connectors in main (DatasourceService), nothing else. */
export interface AgentDatasources {
  describe(slug: string, signal?: AbortSignal): Promise<{ engine: string; version?: string; tables: unknown[]; truncated?: boolean; note?: string }>;
  query(slug: string, sql: string, limits: { maxRows: number; timeoutMs: number }, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][]; truncated: boolean }>;
}

const datasource = z.string().regex(DS_SLUG_RE, 'a datasource slug such as postgres-1a2b3c4d').describe('The datasource slug, as listed in the system prompt.');

/**
 * Let the model look before it writes an app: `describe_datasource` (tables, columns, types,
 * cheap row counts; never values) and `query_datasource` (one read-only statement, enforced by
 * the driver, with a row and time cap). Kiln connects itself with the keychain credentials; the
 * model sees only results, which the chat scrubs like every tool result.
 */
export function datasourceTools(ds: AgentDatasources): ToolDef[] {
  return [
    defineTool({
      name: 'describe_datasource',
      description:
        'List the tables (or, for a REST API, the base endpoint) of a connected datasource with their columns, types and row counts where cheap. No data values. Call this before writing SQL or a backend for a datasource.',
      schema: z.object({ datasource }).strict(),
      timeoutMs: 60_000,
      run: async (args, ctx) => {
        const d = await ds.describe(args.datasource, ctx.signal);
        const more = d.truncated ? ' (list cut at 200 tables)' : '';
        return ok(`${d.tables.length} table(s)${more}${d.version ? ` on ${d.version}` : ''}.`, { details: d });
      },
    }),
    defineTool({
      name: 'query_datasource',
      description:
        'Run ONE read-only query against a connected datasource and get the rows back (SQL for PostgreSQL, MySQL/MariaDB and SQLite; for a REST API give a path under its base URL, e.g. "/sales?limit=10"). Runs in a read-only transaction: INSERT, UPDATE, DELETE and DDL are refused. Capped at max_rows rows and timeout_seconds. Use it to check your SQL before you put it in backend.py.',
      schema: z
        .object({
          datasource,
          sql: z.string().min(1).max(20_000).describe('One SQL statement (no ";"-separated lists), or a REST path.'),
          max_rows: z.number().int().min(1).max(500).default(50),
          timeout_seconds: z.number().int().min(1).max(60).default(15),
        })
        .strict(),
      timeoutMs: 90_000,
      run: async (args, ctx) => {
        try {
          const r = await ds.query(args.datasource, args.sql, { maxRows: args.max_rows, timeoutMs: args.timeout_seconds * 1000 }, ctx.signal);
          const more = r.truncated ? ` (more rows exist; only the first ${args.max_rows} are shown)` : '';
          return ok(`${r.rows.length} row(s)${more}.`, { details: { columns: r.columns, rows: r.rows, truncated: r.truncated } });
        } catch (error) {
          return fail((error as Error).message);
        }
      },
    }),
  ];
}
