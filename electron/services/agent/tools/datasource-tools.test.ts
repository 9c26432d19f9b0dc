/**
 * describe_datasource / query_datasource through the registry, against a private PostgreSQL
 * (e2e/fixtures/databases.ts) with the password in the real keychain: run inside scripts/with-keyring.sh.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestDatabase } from '../../../../e2e/fixtures/databases';
import { DatasourceService } from '../../datasources/datasource-service';
import { Scrubber } from '../../vault/scrubber';
import { KeychainSecretStore } from '../../vault/secret-store';
import { Secrets } from '../../vault/secrets';
import { VaultService } from '../../vault/vault-service';
import { datasourceTools } from './datasource-tools';
import { ToolRegistry } from './registry';
import type { ToolContext, ToolResult } from './types';

let db: TestDatabase;
let ws: string;
let keychain: KeychainSecretStore;
let registry: ToolRegistry;
let slug: string;

const ctx = (): ToolContext =>
  ({
    conversationId: 'c',
    turnId: 't',
    signal: new AbortController().signal,
    touch: () => undefined,
    showArtifact: () => undefined,
    proposePublish: () => undefined,
  }) as ToolContext;
const call = (name: string, args: Record<string, unknown>): Promise<ToolResult> => registry.execute(name, JSON.stringify(args), ctx());

beforeAll(async () => {
  db = await startPostgres();
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-dstools-'));
  keychain = new KeychainSecretStore({ keychainService: `KilnTest-${randomBytes(4).toString('hex')}` });
  const scrubber = new Scrubber();
  const vault = new VaultService({ workspaceDir: () => ws, secrets: new Secrets(keychain, { scrubber }) });
  const service = new DatasourceService({ vault, scrub: (t) => scrubber.scrub(t), python: async () => '/usr/bin/python3' });
  registry = new ToolRegistry(datasourceTools(service));
  slug = (await vault.create({ engine: 'postgres', label: 'Shop', fields: { host: db.host, port: String(db.port), database: db.database, user: db.user, password: db.password } })).slug;
}, 90_000);
afterAll(async () => {
  // Server first: a keychain failure must not leave it running.
  await db?.stop();
  if (ws) await fs.rm(ws, { recursive: true, force: true });
  for (const account of (await keychain?.accounts()) ?? []) await keychain.delete(account);
});

describe('datasource tools', () => {
  it('describe_datasource lists the sales table and its columns, never a value or the password', async () => {
    const r = await call('describe_datasource', { datasource: slug });
    expect(r.success).toBe(true);
    expect(r.message).toMatch(/^1 table\(s\) on PostgreSQL 15\.\d+\.$/);
    const text = JSON.stringify(r);
    expect(r.details).toMatchObject({ tables: [{ name: 'sales', rowCount: 3, columns: [{ name: 'id' }, { name: 'region' }, { name: 'revenue' }] }] });
    expect(text).not.toContain('Lagoon');
    expect(text).not.toContain(db.password);
  });

  it('query_datasource returns capped rows; DELETE and DROP are refused and nothing changes', async () => {
    const r = await call('query_datasource', { datasource: slug, sql: 'SELECT region, revenue FROM sales ORDER BY revenue DESC', max_rows: 2 });
    expect(r).toMatchObject({ success: true, message: '2 row(s) (more rows exist; only the first 2 are shown).', details: { columns: ['region', 'revenue'], rows: [['Lagoon Coast', 3400], ['North', 1200]] } });
    const del = await call('query_datasource', { datasource: slug, sql: 'DELETE FROM sales' });
    expect(del.success).toBe(false);
    expect(del.message).toBe('Refused: the query tried to change the database (cannot execute DELETE in a read-only transaction). query_datasource runs in a read-only transaction; use SELECT.');
    const drop = await call('query_datasource', { datasource: slug, sql: 'DROP TABLE sales' });
    expect(drop.message).toMatch(/^Refused: .*cannot execute DROP TABLE in a read-only transaction/);
    const count = await call('query_datasource', { datasource: slug, sql: 'SELECT count(*) FROM sales' });
    expect(count.details).toMatchObject({ rows: [['3']] });
  });

  it('bad input gets a sentence the model can act on', async () => {
    expect((await call('query_datasource', { datasource: slug, sql: 'SELEC 1' })).message).toMatch(/^The query failed: syntax error at or near "SELEC"\.$/);
    expect((await call('query_datasource', { datasource: 'postgres-00000000', sql: 'SELECT 1' })).message).toMatch(/There is no datasource "postgres-00000000"/);
    expect((await call('describe_datasource', { datasource: '../etc' })).message).toMatch(/^Invalid arguments for describe_datasource/);
  });
});
