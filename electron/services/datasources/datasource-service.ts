import { KilnError } from '../../../shared/contract/core';
import type { ConnectionDraft, ConnectionTestResult } from '../../../shared/contract/datasources';
import { DATASOURCE_TARGET_FIELDS, movedTargetFields } from '../../../shared/vault/catalog';
import { connectorFor, noDriverMessage } from './connectors';
import { scrubToJson } from '../vault/scrubber';
import { explain, explainQuery } from './errors';
import { ConnectError, type ConnectionConfig, type Connector, type ConnectorOptions, type QueryResult, type SchemaDescription } from './types';

export interface DatasourceServiceOptions {
  vault: {
    connectionConfig(slug: string): Promise<ConnectionConfig & { secretFields: string[] }>;
    recordConnection(slug: string, c: { state: 'ok' | 'failing'; at: string; message: string }): Promise<void>;
  };
  /** Replaces known secret values; every sentence leaving this service passes it. */
  scrub: (text: string) => string;
  /** The Python interpreter SQLite is read with (the one Settings chose). */
  python: () => Promise<string>;
  connectTimeoutMs?: number;
  now?: () => Date;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const QUERY_ROW_CAP = 500;
export const QUERY_TIME_CAP_MS = 60_000;


/**
 * Test connection, describe and read-only query for every engine that has a connector. Fields,
 * secrets included, come from the vault and go straight to the driver; results and errors are
 * scrubbed sentences. Each call opens its own connection and closes it.
 */
export class DatasourceService {
  private readonly connectTimeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: DatasourceServiceOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
  }

  private opts(signal?: AbortSignal): ConnectorOptions {
    return { connectTimeoutMs: this.connectTimeoutMs, python: this.options.python, ...(signal ? { signal } : {}) };
  }

  /** Tests a saved datasource and stores the outcome (untested stays untested without a driver). */
  async test(slug: string): Promise<ConnectionTestResult> {
    const result = await this.run(await this.options.vault.connectionConfig(slug));
    if (result.outcome !== 'unsupported') {
      await this.options.vault.recordConnection(slug, { state: result.ok ? 'ok' : 'failing', at: this.now().toISOString(), message: result.message });
    }
    return result;
  }

  /** Tests the form's values before saving; a stored secret is used only toward the same address. */
  async testDraft(draft: ConnectionDraft): Promise<ConnectionTestResult> {
    const fields: Record<string, string> = {};
    if (draft.slug) {
      const stored = await this.options.vault.connectionConfig(draft.slug);
      if (stored.engine !== draft.engine) throw new KilnError('VALIDATION', 'A saved datasource keeps its type.');
      Object.assign(fields, stored.fields);
      // Like the provider key: a stored secret goes only where the saved datasource points.
      const reused = stored.secretFields.filter((k) => !(k in draft.fields) && k in stored.fields);
      const moved = movedTargetFields(stored.fields, draft.fields).length > 0;
      if (moved && reused.length > 0) {
        const message = `You changed where this datasource connects: type the ${reused.join(' and ')} again to test the new address.`;
        return this.finish({ ok: false, outcome: 'invalid', message }, Date.now());
      }
    }
    for (const [k, v] of Object.entries(draft.fields)) {
      if (v === null || v.trim() === '') delete fields[k];
      else fields[k] = (DATASOURCE_TARGET_FIELDS as readonly string[]).includes(k) ? v.trim() : v;
    }
    return this.run({ engine: draft.engine, fields });
  }

  private finish(r: Omit<ConnectionTestResult, 'durationMs'>, started: number): ConnectionTestResult {
    return { ...r, message: this.options.scrub(r.message), ...(r.version ? { version: this.options.scrub(r.version) } : {}), durationMs: Date.now() - started };
  }

  private async run(cfg: ConnectionConfig): Promise<ConnectionTestResult> {
    const started = Date.now();
    const connector = connectorFor(cfg.engine);
    if (!connector) return this.finish({ ok: false, outcome: 'unsupported', message: noDriverMessage(cfg.engine) }, started);
    try {
      const version = await this.withTimeout(this.connectTimeoutMs + 2000, (signal) => connector.test(cfg, this.opts(signal)), cfg);
      return this.finish({ ok: true, outcome: 'ok', message: `Connected: ${version}.`, version }, started);
    } catch (error) {
      const e = explain(error, { engine: cfg.engine, host: cfg.fields.host ?? safeHost(cfg.fields.base_url), port: cfg.fields.port, database: cfg.fields.database, user: cfg.fields.user }, this.connectTimeoutMs);
      return this.finish({ ok: false, outcome: e.outcome, message: e.message }, started);
    }
  }

  /** Races the work against a hard limit; on expiry the connector's signal closes its connection. */
  private async withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, cfg: ConnectionConfig, outer?: AbortSignal): Promise<T> {
    const ctl = new AbortController();
    const onOuter = (): void => ctl.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work(ctl.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            ctl.abort();
            const where = cfg.fields.host ?? safeHost(cfg.fields.base_url) ?? 'The datasource';
            reject(new ConnectError('timeout', `${where} did not answer within ${Math.round(ms / 1000)} s: check the host, port and any firewall or VPN.`));
          }, ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    }
  }

  private async connector(slug: string): Promise<{ cfg: ConnectionConfig; connector: Connector }> {
    const cfg = await this.options.vault.connectionConfig(slug);
    const connector = connectorFor(cfg.engine);
    if (!connector) throw new KilnError('UNSUPPORTED', noDriverMessage(cfg.engine));
    return { cfg, connector };
  }

  /** Tables (or the endpoint), columns, types and cheap row counts: never a value. */
  async describe(slug: string, signal?: AbortSignal): Promise<SchemaDescription> {
    const { cfg, connector } = await this.connector(slug);
    try {
      const d = await this.withTimeout(this.connectTimeoutMs + 20_000, (s) => connector.describe(cfg, this.opts(s)), cfg, signal);
      // String by string, never the JSON text (an escape next to a secret would defeat the word-boundary rule).
      return JSON.parse(scrubToJson(d, this.options.scrub)) as SchemaDescription;
    } catch (error) {
      throw new KilnError('UNAVAILABLE', this.options.scrub(errorSentence(error, cfg, this.connectTimeoutMs)));
    }
  }

  /** One read-only statement (or a GET path for REST) with a row cap and a time cap. */
  async query(slug: string, sql: string, limits: { maxRows: number; timeoutMs: number }, signal?: AbortSignal): Promise<QueryResult> {
    const { cfg, connector } = await this.connector(slug);
    const capped = { maxRows: Math.min(Math.max(1, limits.maxRows), QUERY_ROW_CAP), timeoutMs: Math.min(Math.max(1000, limits.timeoutMs), QUERY_TIME_CAP_MS) };
    try {
      const r = await this.withTimeout(this.connectTimeoutMs + capped.timeoutMs + 2000, (s) => connector.query(cfg, sql, capped, this.opts(s)), cfg, signal);
      // Rows can hold anything, a stored secret included: scrubbed here as well as by the chat.
      return JSON.parse(scrubToJson(r, this.options.scrub)) as QueryResult;
    } catch (error) {
      const message = error instanceof ConnectError ? error.message : explainQuery(error, capped.timeoutMs);
      throw new KilnError('VALIDATION', this.options.scrub(message));
    }
  }
}

function errorSentence(error: unknown, cfg: ConnectionConfig, timeoutMs: number): string {
  if (error instanceof ConnectError) return error.message;
  return explainQuery(error, timeoutMs).replace(/^The query failed: /, 'Describing the datasource failed: ');
}

function safeHost(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}
