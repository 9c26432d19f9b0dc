/**
 * Test connection, describe and read-only query against real servers: a private PostgreSQL 15
 * and MariaDB (e2e/fixtures/databases.ts, started once for this file), a SQLite file read with
 * Debian's Python, and a REST API on loopback. Secrets in the real keychain: run inside
 * scripts/with-keyring.sh.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, makeSqliteFile, startMariaDb, startPostgres, type TestDatabase } from '../../../e2e/fixtures/databases';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { VaultService } from '../vault/vault-service';
import { DatasourceService } from './datasource-service';

let pgDb: TestDatabase;
let myDb: TestDatabase;
let workspace: string;
let keychain: KeychainSecretStore;
let scrubber: Scrubber;
let vault: VaultService;
let service: DatasourceService;

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([startPostgres(), startMariaDb()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([pgDb?.stop(), myDb?.stop()]);
}, 60_000);

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-ds-'));
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  scrubber = new Scrubber();
  vault = new VaultService({ workspaceDir: () => workspace, secrets: new Secrets(keychain, { scrubber }) });
  service = new DatasourceService({
    vault,
    scrub: (t) => scrubber.scrub(t),
    python: async () => '/usr/bin/python3',
    connectTimeoutMs: 4000,
  });
});
afterEach(async () => {
  await fs.rm(workspace, { recursive: true, force: true });
  for (const account of await keychain.accounts()) await keychain.delete(account);
});

async function add(db: TestDatabase, over: Record<string, string> = {}): Promise<string> {
  const ds = await vault.create({
    engine: db.engine,
    label: `${db.engine} ${randomBytes(2).toString('hex')}`,
    fields: { host: db.host, port: String(db.port), database: db.database, user: db.user, password: db.password, ...over },
  });
  return ds.slug;
}

for (const engine of ['postgres', 'mysql'] as const) {
  const db = (): TestDatabase => (engine === 'postgres' ? pgDb : myDb);
  const versionRe = engine === 'postgres' ? /^PostgreSQL 15\.\d+/ : /^MariaDB \d+\.\d+/;

  describe(`${engine}: Test connection`, () => {
    it('succeeds with the server version and records "ok" with when', async () => {
      const slug = await add(db());
      const result = await service.test(slug);
      expect(result).toMatchObject({ ok: true, outcome: 'ok' });
      expect(result.version).toMatch(versionRe);
      expect(result.message).toBe(`Connected: ${result.version}.`);
      const view = await vault.get(slug);
      expect(view.connection.state).toBe('ok');
      expect(Date.now() - Date.parse(view.connection.at!)).toBeLessThan(60_000);
    });

    it('a wrong password: its own sentence, no secret in it, status "failing"', async () => {
      const wrong = `Wr0ng-${randomBytes(4).toString('hex')}`;
      const slug = await add(db(), { password: wrong });
      const result = await service.test(slug);
      expect(result).toMatchObject({ ok: false, outcome: 'auth' });
      expect(result.message).toBe(`The server rejected the user "analyst" or its password: check both.`);
      expect(JSON.stringify(result)).not.toContain(wrong);
      expect((await vault.get(slug)).connection).toMatchObject({ state: 'failing', message: result.message });
      const onDisk = await fs.readFile(path.join(workspace, '.kiln', 'datasources.json'), 'utf8');
      expect(onDisk).not.toContain(wrong);
      expect(onDisk).not.toContain(db().password);
    });

    it('a database that does not exist: its own sentence', async () => {
      const result = await service.test(await add(db(), { database: 'nosuchdb' }));
      expect(result).toMatchObject({ ok: false, outcome: 'database' });
      // MariaDB answers "access denied to database" both for a missing database and one the user may not use.
      expect(result.message).toMatch(
        engine === 'postgres'
          ? /^The database "nosuchdb" does not exist on 127\.0\.0\.1:\d+: check its name\.$/
          : /^The database "nosuchdb" does not exist on 127\.0\.0\.1:\d+, or "analyst" may not use it: check its name and the user's grants\.$/,
      );
    });

    it('a closed port: "nothing is listening", quickly', async () => {
      const port = await freePort();
      const result = await service.test(await add(db(), { port: String(port) }));
      expect(result).toMatchObject({ ok: false, outcome: 'unreachable' });
      expect(result.message).toBe(`Nothing is listening on 127.0.0.1:${port}: check the host and port, and that the server is running.`);
      expect(result.durationMs).toBeLessThan(4000);
    });

    it('describe lists the sales table, its columns and types, a row count, and no values', async () => {
      const d = await service.describe(await add(db()));
      const sales = d.tables.find((t) => t.name === 'sales');
      expect(sales?.columns.map((c) => c.name)).toEqual(['id', 'region', 'revenue']);
      expect(sales?.columns.find((c) => c.name === 'region')?.type).toMatch(/char/);
      if (engine === 'postgres') expect(sales?.rowCount).toBe(3);
      else expect(sales?.rowCount).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(d)).not.toContain('Lagoon Coast');
    });

    it('query returns rows, capped, and refuses DELETE, DROP and a ";" escape by read-only enforcement', async () => {
      const slug = await add(db());
      const r = await service.query(slug, 'SELECT id, region, revenue FROM sales ORDER BY id', { maxRows: 2, timeoutMs: 5000 });
      expect(r.columns).toEqual(['id', 'region', 'revenue']);
      expect(r.rows).toEqual([[1, 'North', 1200], [2, 'Lagoon Coast', 3400]]);
      expect(r.truncated).toBe(true);
      await expect(service.query(slug, 'DELETE FROM sales', { maxRows: 10, timeoutMs: 5000 })).rejects.toThrow(/^Refused: the query tried to change the database/);
      await expect(service.query(slug, 'DROP TABLE sales', { maxRows: 10, timeoutMs: 5000 })).rejects.toThrow(/^Refused/);
      await expect(service.query(slug, 'COMMIT; DELETE FROM sales', { maxRows: 10, timeoutMs: 5000 })).rejects.toThrow();
      const after = await service.query(slug, 'SELECT count(*) AS n FROM sales', { maxRows: 1, timeoutMs: 5000 });
      expect(Number(after.rows[0]![0])).toBe(3);
    });

    it('a query past the time cap is cancelled with a clear sentence', async () => {
      const slug = await add(db());
      const sleep = engine === 'postgres' ? 'SELECT pg_sleep(5)' : 'SELECT SLEEP(5)';
      const started = Date.now();
      const outcome = await service.query(slug, sleep, { maxRows: 1, timeoutMs: 1000 }).then(
        (r) => ({ ok: true as const, r }),
        (e: Error) => ({ ok: false as const, message: e.message }),
      );
      expect(Date.now() - started).toBeLessThan(4500);
      // MariaDB's SLEEP returns 1 when interrupted instead of failing.
      if (outcome.ok) expect(outcome.r.rows).toEqual([[1]]);
      else expect(outcome.message).toBe('The query took longer than 1 s and was cancelled: add a filter or a LIMIT.');
    });
  });
}

describe('postgres: TLS and drafts', () => {
  it('sslmode=require against a server without TLS says so in one sentence', async () => {
    const result = await service.test(await add(pgDb, { sslmode: 'require' }));
    expect(result).toMatchObject({ ok: false, outcome: 'tls' });
    expect(result.message).toMatch(/^The secure \(TLS\) connection to 127\.0\.0\.1:\d+ failed: .*SSL.*\. Check the SSL mode\.$/);
  });

  it('tests a draft before saving, records nothing, and never reuses a stored password toward a new host', async () => {
    const draft = { engine: 'postgres', fields: { host: pgDb.host, port: String(pgDb.port), database: 'shop', user: 'analyst', password: pgDb.password } };
    expect(await service.testDraft(draft)).toMatchObject({ ok: true });
    const slug = await add(pgDb);
    // Editing without retyping the password: the stored one is used toward the same address...
    expect(await service.testDraft({ engine: 'postgres', slug, fields: { host: pgDb.host, port: String(pgDb.port), database: 'shop', user: 'analyst' } })).toMatchObject({ ok: true });
    // ...but not toward a changed one.
    const moved = await service.testDraft({ engine: 'postgres', slug, fields: { host: 'elsewhere.example', port: String(pgDb.port), database: 'shop', user: 'analyst' } });
    expect(moved).toMatchObject({ ok: false, outcome: 'invalid' });
    expect(moved.message).toBe('You changed where this datasource connects: type the password again to test the new address.');
    expect((await vault.get(slug)).connection.state).toBe('untested');
  });

  it('editing a field resets the status to untested', async () => {
    const slug = await add(pgDb);
    await service.test(slug);
    expect((await vault.get(slug)).connection.state).toBe('ok');
    await vault.update({ slug, fields: { database: 'other' } });
    expect((await vault.get(slug)).connection.state).toBe('untested');
  });
});

describe('sqlite file', () => {
  it('tests, describes and queries read-only; a write is refused and the file is unchanged', async () => {
    const file = makeSqliteFile(workspace);
    const before = await fs.readFile(file);
    const ds = await vault.create({ engine: 'sqlite', label: 'Shop file', fields: { path: file } });
    expect(await service.test(ds.slug)).toMatchObject({ ok: true, version: expect.stringMatching(/^SQLite 3\./) as unknown });
    const d = await service.describe(ds.slug);
    expect(d.tables).toEqual([expect.objectContaining({ name: 'sales', rowCount: 3, columns: expect.arrayContaining([expect.objectContaining({ name: 'region' })]) as unknown })]);
    const r = await service.query(ds.slug, 'SELECT region FROM sales ORDER BY id', { maxRows: 10, timeoutMs: 5000 });
    expect(r.rows).toEqual([['North'], ['Lagoon Coast'], ['Высокогорье']]);
    await expect(service.query(ds.slug, 'DELETE FROM sales', { maxRows: 10, timeoutMs: 5000 })).rejects.toThrow(/^Refused/);
    await expect(service.query(ds.slug, `ATTACH DATABASE '${path.join(workspace, 'x.db')}' AS x`, { maxRows: 10, timeoutMs: 5000 })).rejects.toThrow(/^Refused/);
    expect(await fs.readFile(file)).toEqual(before);
    await expect(fs.stat(path.join(workspace, 'x.db'))).rejects.toThrow();
  });

  it('a missing file and a file that is not SQLite: clear sentences', async () => {
    const missing = await vault.create({ engine: 'sqlite', label: 'Gone', fields: { path: path.join(workspace, 'nope.db') } });
    expect((await service.test(missing.slug)).message).toBe(`There is no file at ${path.join(workspace, 'nope.db')}: check the path.`);
    await fs.writeFile(path.join(workspace, 'text.db'), 'hello, not a database at all');
    const text = await vault.create({ engine: 'sqlite', label: 'Text', fields: { path: path.join(workspace, 'text.db') } });
    expect((await service.test(text.slug)).message).toBe(`${path.join(workspace, 'text.db')} is not a SQLite database.`);
  });
});

describe('REST API', () => {
  const TOKEN = `rest-tok-${randomBytes(6).toString('hex')}`;
  let server: http.Server;
  let base: string;
  let seen: string[];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
      if (req.url === '/v1/' || req.url === '/v1') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"sales api","version":2}');
      if (req.url === '/v1/sales') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ region: 'North', revenue: 1 }, { region: 'South', revenue: 2 }]));
      if (req.url === '/v1/jump') return void res.writeHead(302, { location: 'http://example.invalid/' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen = [];
  });

  it('a GET of the base URL with the token: ok; a wrong token: its own sentence; the token in no result', async () => {
    const good = await vault.create({ engine: 'rest-api', label: 'Sales API', fields: { base_url: base, token: TOKEN } });
    expect(await service.test(good.slug)).toMatchObject({ ok: true, message: 'Connected: HTTP 200.' });
    expect(seen).toEqual([`/v1 Bearer ${TOKEN}`]);
    // No page at the root is still a working API (the token was not refused)...
    const rootless = await vault.create({ engine: 'rest-api', label: 'Rootless', fields: { base_url: `${base}/nothing-here`, token: TOKEN } });
    expect(await service.test(rootless.slug)).toMatchObject({ ok: true, message: 'Connected: HTTP 404 at the base URL itself; the API answers.' });
    // ...but a path the model asks for that doesn't exist is an error.
    await expect(service.query(good.slug, '/missing', { maxRows: 1, timeoutMs: 5000 })).rejects.toThrow(/was not found \(HTTP 404\): check the base URL/);
    const bad = await vault.create({ engine: 'rest-api', label: 'Bad', fields: { base_url: base, token: 'nope-token-123' } });
    const r = await service.test(bad.slug);
    expect(r).toMatchObject({ ok: false, outcome: 'auth' });
    expect(r.message).toBe(`${new URL(base).host} refused the request (HTTP 401): check the token.`);
    const d = await service.describe(good.slug);
    expect(d.tables[0]!.columns).toEqual([{ name: 'name', type: 'string' }, { name: 'version', type: 'number' }]);
    const q = await service.query(good.slug, '/sales', { maxRows: 1, timeoutMs: 5000 });
    expect(q).toEqual({ columns: ['region', 'revenue'], rows: [['North', 1]], truncated: true });
    await expect(service.query(good.slug, '../../etc', { maxRows: 1, timeoutMs: 5000 })).rejects.toThrow(/leaves the datasource's base URL/);
    await expect(service.query(good.slug, 'http://example.invalid/x', { maxRows: 1, timeoutMs: 5000 })).rejects.toThrow(/leaves the datasource's base URL/);
    expect(JSON.stringify(await service.test(good.slug))).not.toContain(TOKEN);
  });
});

describe('engines without a driver', () => {
  it('says so plainly and keeps the status untested', async () => {
    const ds = await vault.create({ engine: 'snowflake', label: 'Snow', fields: { account: 'xy1', user: 'u', password: 'snow-pass-1234' } });
    const r = await service.test(ds.slug);
    expect(r).toMatchObject({ ok: false, outcome: 'unsupported', message: "Kiln has no Snowflake driver yet, so it can't test this connection; apps still get its DS_* variables." });
    expect((await vault.get(ds.slug)).connection.state).toBe('untested');
    await expect(service.describe(ds.slug)).rejects.toThrow(/no Snowflake driver/);
  });
});
