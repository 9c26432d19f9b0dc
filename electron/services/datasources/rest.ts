import { explain } from './errors';
import { ConnectError, type ColumnInfo, type ConnectionConfig, type Connector, type ConnectorOptions, type QueryLimits, type QueryResult } from './types';
import { jsonCell } from './values';

/**
 * REST APIs: a GET with the configured bearer token. Redirects are not followed (the token must
 * not travel to another address); a path the model asks for must stay under the base URL.
 */
function baseUrl(cfg: ConnectionConfig): URL {
  const raw = (cfg.fields.base_url ?? '').trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectError('invalid', 'The base URL is not a valid http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectError('invalid', 'The base URL must start with http:// or https://.');
  if (url.username || url.password) throw new ConnectError('invalid', 'Put the credentials in the Token field, not in the base URL.');
  return url;
}

/** `rel` under the base URL, or a clear refusal. */
export function resolveUnder(base: URL, rel: string): URL {
  const root = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const url = new URL(rel.replace(/^\/+/, ''), new URL(root, base));
  if (url.origin !== base.origin || !(url.pathname === base.pathname || url.pathname.startsWith(root))) {
    throw new ConnectError('invalid', `"${rel.slice(0, 200)}" leaves the datasource's base URL; give a path under it.`);
  }
  return url;
}

async function get(cfg: ConnectionConfig, url: URL, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', 'user-agent': 'Kiln' };
  if (cfg.fields.token) headers.authorization = `Bearer ${cfg.fields.token}`;
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  try {
    return await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.any(signals) });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const cause = e.name === 'TimeoutError' ? { code: 'ETIMEDOUT' } : (e.cause ?? e);
    throw explain(cause, { engine: 'rest-api', host: url.host }, timeoutMs);
  }
}

function checkStatus(res: Response, url: URL): void {
  if (res.status === 401 || res.status === 403) {
    throw new ConnectError('auth', `${url.host} refused the request (HTTP ${res.status}): check the token.`);
  }
  if (res.status === 404) throw new ConnectError('database', `${url.href} was not found (HTTP 404): check the base URL.`);
  if (res.status >= 400) throw new ConnectError('error', `${url.host} answered HTTP ${res.status} ${res.statusText}: the API is reachable but failed.`);
}

const MAX_BODY = 2 * 1024 * 1024;

async function readJson(res: Response): Promise<unknown> {
  const text = (await res.text()).slice(0, MAX_BODY);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function columnsOf(items: unknown[]): ColumnInfo[] {
  const cols = new Map<string, string>();
  for (const item of items.slice(0, 50)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    for (const [k, v] of Object.entries(item)) if (!cols.has(k) || cols.get(k) === 'null') cols.set(k, typeOf(v));
  }
  return [...cols].map(([name, type]) => ({ name, type }));
}

export const restConnector: Connector = {
  label: 'REST API',
  async test(cfg, opts) {
    const url = baseUrl(cfg);
    const res = await get(cfg, url, opts.connectTimeoutMs, opts.signal);
    await res.body?.cancel().catch(() => undefined);
    // Many APIs have no page at their root: an answer that is not a refusal or a failure means
    // the server is there and took the token, so the connection works.
    if (res.status === 404 || res.status === 405) return `HTTP ${res.status} at the base URL itself; the API answers`;
    checkStatus(res, url);
    return `HTTP ${res.status}`;
  },
  async describe(cfg, opts) {
    const url = baseUrl(cfg);
    const res = await get(cfg, url, opts.connectTimeoutMs, opts.signal);
    checkStatus(res, url);
    const body = await readJson(res);
    const name = url.pathname || '/';
    if (Array.isArray(body)) return { engine: 'rest-api', tables: [{ name, kind: 'endpoint', columns: columnsOf(body), rowCount: body.length, rowCountExact: true }] };
    if (body && typeof body === 'object') {
      const tables = [{ name, kind: 'endpoint' as const, columns: Object.entries(body).map(([k, v]) => ({ name: k, type: typeOf(v) })) }];
      return { engine: 'rest-api', tables, note: 'The base URL answers with an object; its keys are listed as columns. GET other paths with query_datasource.' };
    }
    return { engine: 'rest-api', tables: [{ name, kind: 'endpoint', columns: [] }], note: `The base URL answers with ${res.headers.get('content-type') ?? 'non-JSON content'}.` };
  },
  async query(cfg, rel, limits: QueryLimits, opts: ConnectorOptions): Promise<QueryResult> {
    const url = resolveUnder(baseUrl(cfg), rel.trim());
    const res = await get(cfg, url, limits.timeoutMs, opts.signal);
    checkStatus(res, url);
    const body = await readJson(res);
    if (Array.isArray(body) && body.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const columns = columnsOf(body).map((c) => c.name);
      const rows = body.slice(0, limits.maxRows).map((item) => columns.map((c) => jsonCell((item as Record<string, unknown>)[c])));
      return { columns, rows, truncated: body.length > limits.maxRows };
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { columns: ['body'], rows: [[text.length > 20_000 ? `${text.slice(0, 20_000)}… (${text.length} chars)` : text]], truncated: text.length > 20_000 };
  },
};
