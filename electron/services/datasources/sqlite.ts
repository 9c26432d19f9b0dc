import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../process/child-env';
import { ConnectError, MAX_TABLES, type ConnectionConfig, type Connector, type ConnectorOptions, type QueryLimits, type QueryResult, type SchemaDescription } from './types';

/**
 * SQLite through Python's standard `sqlite3` (Node 20 has no `node:sqlite`, and Kiln ships no
 * native addon): the file is opened with `file:…?mode=ro`, `PRAGMA query_only` is on, an
 * authorizer refuses ATTACH, `execute` runs exactly one statement, and a progress handler
 * stops it at the time cap. The request arrives on stdin, the answer is one JSON line.
 */
const SCRIPT = String.raw`
import json, sqlite3, sys, time, urllib.parse
req = json.load(sys.stdin)
def out(obj):
    sys.stdout.write(json.dumps(obj, default=str)); sys.stdout.flush(); sys.exit(0)
def cell(v):
    if isinstance(v, bytes): return "<%d bytes>" % len(v)
    if isinstance(v, str) and len(v) > 500: return v[:500] + "... (%d chars)" % len(v)
    return v
try:
    con = sqlite3.connect("file:" + urllib.parse.quote(req["path"]) + "?mode=ro", uri=True, timeout=2)
    con.execute("PRAGMA query_only = ON")
    def authorizer(action, *rest):
        return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK
    con.set_authorizer(authorizer)
    deadline = time.monotonic() + req.get("timeoutMs", 10000) / 1000
    con.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    version = "SQLite " + sqlite3.sqlite_version
    action = req["action"]
    if action == "test":
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        out({"ok": True, "version": version})
    if action == "describe":
        tables = []
        for name, kind in con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT ?", (req["maxTables"],)):
            q = '"' + name.replace('"', '""') + '"'
            cols = [{"name": r[1], "type": r[2] or "", "nullable": not r[3]} for r in con.execute("PRAGMA table_info(" + q + ")")]
            t = {"name": name, "kind": kind, "columns": cols}
            if kind == "table":
                try:
                    t["rowCount"] = con.execute("SELECT count(*) FROM " + q).fetchone()[0]; t["rowCountExact"] = True
                except sqlite3.Error:
                    pass
            tables.append(t)
        out({"ok": True, "version": version, "tables": tables})
    cur = con.execute(req["sql"])
    columns = [d[0] for d in (cur.description or [])]
    rows = [[cell(v) for v in r] for r in cur.fetchmany(req["maxRows"] + 1)] if cur.description else []
    out({"ok": True, "columns": columns, "rows": rows[: req["maxRows"]], "truncated": len(rows) > req["maxRows"]})
except sqlite3.OperationalError as e:
    msg = str(e)
    out({"ok": False, "kind": "interrupted" if msg == "interrupted" else "operational", "message": msg})
except (sqlite3.Error, sqlite3.Warning) as e:
    out({"ok": False, "kind": "sqlite", "message": str(e)})
`;

interface PyAnswer {
  ok: boolean;
  version?: string;
  kind?: string;
  message?: string;
  tables?: SchemaDescription['tables'];
  columns?: string[];
  rows?: unknown[][];
  truncated?: boolean;
}

async function checkFile(cfg: ConnectionConfig): Promise<string> {
  const file = (cfg.fields.path ?? '').trim();
  if (!file) throw new ConnectError('invalid', 'Fill in the path of the SQLite file first.');
  if (!path.isAbsolute(file)) throw new ConnectError('invalid', `"${file}" is not an absolute path: give the full path of the SQLite file.`);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new ConnectError('database', `There is no file at ${file}: check the path.`);
  if (!stat.isFile()) throw new ConnectError('database', `${file} is a folder, not a SQLite file.`);
  const head = Buffer.alloc(16);
  const fh = await fs.open(file, 'r');
  try {
    await fh.read(head, 0, 16, 0);
  } finally {
    await fh.close();
  }
  if (stat.size > 0 && head.toString('latin1') !== 'SQLite format 3\0') throw new ConnectError('database', `${file} is not a SQLite database.`);
  return file;
}

async function ask(cfg: ConnectionConfig, opts: ConnectorOptions, request: Record<string, unknown>, limitMs: number): Promise<PyAnswer> {
  const file = await checkFile(cfg);
  const python = await opts.python();
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-c', SCRIPT], { env: childEnv({ python: true }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs + 5000);
    const onAbort = (): void => void child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => reject(new ConnectError('error', `Kiln could not start Python (${python}) to read SQLite: ${e.message}. Check Settings → Python.`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      try {
        resolve(JSON.parse(out) as PyAnswer);
      } catch {
        reject(new ConnectError('error', `Reading the SQLite file failed (Python exited with ${code}): ${err.trim().split('\n').pop() ?? ''}`));
      }
    });
    child.stdin.end(JSON.stringify({ ...request, path: file }));
  });
}

function failure(a: PyAnswer, limits?: QueryLimits): Error {
  if (a.kind === 'interrupted' && limits) return Object.assign(new Error('statement timeout'), { code: '57014' });
  // Driver text for explainQuery (read-only refusals say "readonly" / "not authorized").
  return new Error(a.message ?? 'SQLite failed');
}

export const sqliteConnector: Connector = {
  label: 'SQLite',
  async test(cfg, opts) {
    const a = await ask(cfg, opts, { action: 'test', timeoutMs: opts.connectTimeoutMs }, opts.connectTimeoutMs);
    if (!a.ok) throw new ConnectError('database', `${cfg.fields.path} could not be opened as SQLite: ${a.message ?? 'unknown error'}.`);
    return a.version ?? 'SQLite';
  },
  async describe(cfg, opts) {
    const a = await ask(cfg, opts, { action: 'describe', maxTables: MAX_TABLES, timeoutMs: 10_000 }, 10_000);
    if (!a.ok) throw failure(a);
    return { engine: 'sqlite', ...(a.version ? { version: a.version } : {}), tables: a.tables ?? [] };
  },
  async query(cfg, sql, limits, opts): Promise<QueryResult> {
    const a = await ask(cfg, opts, { action: 'query', sql, maxRows: limits.maxRows, timeoutMs: limits.timeoutMs }, limits.timeoutMs);
    if (!a.ok) throw failure(a, limits);
    return { columns: a.columns ?? [], rows: a.rows ?? [], truncated: a.truncated ?? false };
  },
};
