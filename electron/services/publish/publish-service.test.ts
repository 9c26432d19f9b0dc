/**
 * The publish service against the recording publish server (real HTTP on 127.0.0.1), real
 * artifact folders, and the real OS keychain. Run inside scripts/with-keyring.sh:
 *   scripts/with-keyring.sh npx vitest run electron/services/publish
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readZip, startPublishServer, type PublishServer } from '../../../e2e/fixtures/publish-server';
import type { PublishProgress } from '../../../shared/contract/publish';
import { DEFAULT_PUBLISH_URL } from '../../../shared/contract/settings';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { PublishService, type PublishSettings } from './publish-service';
import { folderArtifacts, makeArtifact, MemoryVault, tempArtifactsRoot, tempDir, type ArtifactSpec } from './testing';

const PG = { engine: 'postgres', name: '7e8971c3' };
const PG_PASSWORD = 'pg-s3cret-value-42';

const fullstackFiles = (extra: Record<string, string> = {}): Record<string, string> => ({
  'backend.py': [
    'import os',
    'from fastapi import FastAPI',
    'import yaml',
    'SECRETS = {"DS_POSTGRES_7E8971C3__PASSWORD": os.environ.get("DS_POSTGRES_7E8971C3__PASSWORD", "")}',
    'app = FastAPI()',
  ].join('\n'),
  'requirements.txt': 'fastapi\nuvicorn\nmangum\n',
  'static/index.html': '<!doctype html><h1>App</h1>',
  'static/data.json': '{"rows": [1, 2, 3]}\n',
  ...extra,
});

interface Env {
  server: PublishServer;
  root: string;
  keychain: KeychainSecretStore;
  scrubber: Scrubber;
  vault: MemoryVault;
  settings: PublishSettings;
  progress: PublishProgress[];
  service: PublishService;
  make(spec: ArtifactSpec): Promise<{ slug: string; id: string; dir: string }>;
}

let env: Env;

beforeEach(async () => {
  const server = await startPublishServer();
  const root = await tempArtifactsRoot();
  const keychain = new KeychainSecretStore({ keychainService: `KilnPublishTest-${randomBytes(4).toString('hex')}` });
  await keychain.set('publish.apiKey', server.apiKey);
  const scrubber = new Scrubber();
  const vault = new MemoryVault((n, v) => scrubber.register(n, v));
  vault.add(PG, { host: 'db.internal', user: 'app', password: PG_PASSWORD });
  const settings: PublishSettings = { url: server.url, maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' };
  const progress: PublishProgress[] = [];
  const service = new PublishService({
    artifacts: folderArtifacts(root),
    secrets: keychain,
    scrubber,
    vault,
    settings: () => settings,
    env: {},
    onProgress: (p) => progress.push(p),
    client: { retries: 3, retryDelayMs: 10, idleTimeoutMs: 2000 },
  });
  env = {
    server, root, keychain, scrubber, vault, settings, progress, service,
    make: async (spec) => {
      const rec = await makeArtifact(root, spec);
      return { slug: rec.slug, id: rec.id, dir: path.join(root, rec.slug) };
    },
  };
});

afterEach(async () => {
  await env.server.close();
  for (const account of await env.keychain.accounts()) await env.keychain.delete(account);
});

const readJson = async (file: string): Promise<Record<string, Record<string, unknown>>> => JSON.parse(await fs.readFile(file, 'utf8'));

describe('publish: static report journey', () => {
  it('reviews, publishes, records anton state, detects changes, re-publishes in place, lists and rolls back versions, unpublishes', async () => {
    const a = await env.make({ primary: 'dashboard.html', files: { 'dashboard.html': '<link href="s.css" rel="stylesheet"><h1>v1</h1>', 's.css': 'h1{}' } });
    const pf = await env.service.preflight(a.slug);
    expect(pf.blocking).toEqual([]);
    expect(pf.files.map((f) => f.path)).toEqual(['index.html', 's.css']);
    expect(pf.status.state).toBe('not-published');
    expect(pf.apiKeySet).toBe(true);

    const first = await env.service.publish(a.slug);
    expect(first.url).toBe(`${env.server.url}/r/${first.reportId}/`);
    const up = env.server.uploads()[0]!;
    expect(up.authorization).toBe(`Bearer ${env.server.apiKey}`);
    expect(up.body).toMatchObject({ access: { mode: 'public' } });
    expect(up.body).not.toHaveProperty('report_id');
    expect(up.body).not.toHaveProperty('secrets');
    expect(Object.keys(up.files!)).toEqual(['index.html', 's.css']);
    expect(up.files!['index.html']).toContain('v1');
    expect(env.progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['zip', 'upload', 'done']));

    const state = await readJson(path.join(a.dir, '.published.json'));
    expect(state).toEqual({
      'dashboard.html': { report_id: first.reportId, url: first.url, last_md5: first.md5, mode: 'public', requires_password: false },
    });
    expect((await env.service.status(a.slug)).state).toBe('published');

    await fs.writeFile(path.join(a.dir, 'dashboard.html'), '<link href="s.css" rel="stylesheet"><h1>v2</h1>');
    expect((await env.service.status(a.slug)).state).toBe('changed');

    const second = await env.service.publish(a.slug);
    expect(second.reportId).toBe(first.reportId);
    expect(env.server.uploads()[1]!.body).toMatchObject({ report_id: first.reportId });
    expect(env.server.reports.size).toBe(1);
    expect((await env.service.status(a.slug)).state).toBe('published');

    const versions = await env.service.versions(a.slug);
    expect(versions.map((v) => [v.version, v.active])).toEqual([[2, true], [1, false]]);
    const after = await env.service.rollback(a.slug, first.md5);
    expect(after.find((v) => v.active)!.md5).toBe(first.md5);
    // The live version is now v1 while the files say v2: the badge says so.
    expect((await env.service.status(a.slug)).state).toBe('changed');

    const un = await env.service.unpublish(a.slug);
    expect(un.state).toBe('not-published');
    expect(env.server.reports.size).toBe(0);
    await expect(fs.stat(path.join(a.dir, '.published.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('publish: fullstack', () => {
  it('sends declared secrets in the body only, with python_version and the artifact fields', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', datasources: [PG], files: fullstackFiles({ 'helper.py': 'X=1\n' }) });
    const pf = await env.service.preflight(a.slug);
    expect(pf.blocking).toEqual([]);
    expect(pf.secretNames).toEqual(['DS_POSTGRES_7E8971C3__HOST', 'DS_POSTGRES_7E8971C3__PASSWORD', 'DS_POSTGRES_7E8971C3__USER']);
    expect(pf.warnings.map((w) => [w.kind, w.file])).toEqual(expect.arrayContaining([['unshipped-file', 'helper.py'], ['uncovered-import', 'backend.py']]));
    expect(pf.warnings.find((w) => w.kind === 'uncovered-import')!.message).toContain('pyyaml');

    const res = await env.service.publish(a.slug);
    const up = env.server.uploads()[0]!;
    expect(up.body).toMatchObject({
      artifact_type: 'fullstack-stateless-app',
      artifact_id: a.id,
      secrets: { DS_POSTGRES_7E8971C3__PASSWORD: PG_PASSWORD, DS_POSTGRES_7E8971C3__HOST: 'db.internal' },
      access: { mode: 'public' },
    });
    expect(String(up.body!.python_version)).toMatch(/^3\.\d+$/);
    expect(Object.keys(up.files!)).toEqual(['backend.py', 'requirements.txt', 'static/data.json', 'static/index.html']);
    for (const content of Object.values(up.files!)) expect(content).not.toContain(PG_PASSWORD);
    const state = await readJson(path.join(a.dir, '.published.json'));
    expect(Object.keys(state)).toEqual(['index.html']);
    expect(state['index.html']!.report_id).toBe(res.reportId);
  });

  it('blocks when a secret value is inside static/data.json, naming file and line, and sends nothing', async () => {
    const a = await env.make({
      type: 'fullstack-stateless-app', primary: 'static/index.html', datasources: [PG],
      files: fullstackFiles({ 'static/data.json': `{\n  "note": "pw is ${PG_PASSWORD}"\n}\n` }),
    });
    const pf = await env.service.preflight(a.slug);
    expect(pf.blocking).toEqual([expect.objectContaining({ kind: 'secret-in-bundle', file: 'static/data.json', line: 2 })]);
    await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('static/data.json') });
    expect(env.server.requests).toEqual([]);
  });

  it('blocks when a declared datasource is missing from the vault, or backend.py uses an undeclared DS_* variable', async () => {
    const missing = await env.make({ type: 'fullstack-stateful-app', primary: 'static/index.html', datasources: [{ engine: 'mysql', name: 'deadbeef' }], files: fullstackFiles() });
    const pf = await env.service.preflight(missing.slug);
    const kinds = pf.blocking.map((b) => b.kind).sort();
    // mysql-deadbeef is not in the vault; backend.py reads the postgres variables, which are not declared.
    expect(kinds).toEqual(['missing-datasource', 'undeclared-env']);
    expect(pf.blocking.find((b) => b.kind === 'undeclared-env')).toMatchObject({ file: 'backend.py', line: 4 });
    await expect(env.service.publish(missing.slug)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(env.server.requests).toEqual([]);
  });

  it('exports the same bundle plus a Dockerfile and README, with no secret values baked in', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', datasources: [PG], files: fullstackFiles() });
    const out = path.join(await tempDir(), 'app-export');
    const res = await env.service.exportBundle(a.slug, out);
    expect(res.path).toBe(`${out}.zip`);
    const entries = readZip(await fs.readFile(res.path!));
    expect(entries.map((e) => e.name)).toEqual([
      '.dockerignore', '.env.example', 'Dockerfile', 'README.md', 'backend.py', 'docker-compose.yml',
      'k8s/deployment.yaml', 'k8s/secret.yaml', 'k8s/service.yaml',
      'kiln/install.py', 'kiln/probe.py', 'kiln/start.py', 'requirements.txt', 'static/data.json', 'static/index.html',
    ]);
    const docker = entries.find((e) => e.name === 'Dockerfile')!.data.toString();
    expect(docker).toMatch(/ARG BASE_IMAGE=python:3\.\d+-slim/);
    expect(docker).toContain('RUN python3 kiln/install.py');
    expect(docker).toContain('CMD ["python3", "/app/kiln/start.py"]');
    expect(entries.find((e) => e.name === '.env.example')!.data.toString()).toContain('DS_POSTGRES_7E8971C3__PASSWORD=\n');
    expect(entries.find((e) => e.name === 'README.md')!.data.toString()).toContain('DS_POSTGRES_7E8971C3__PASSWORD');
    for (const e of entries) expect(e.data.toString()).not.toContain(PG_PASSWORD);
    await expect(env.service.exportBundle(a.slug, out)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await fs.readFile(res.path!)).length).toBe(res.bytes);
    await expect(env.service.exportBundle(a.slug, 'relative/path.zip')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(env.service.exportBundle(a.slug, '/no/such/folder/x.zip')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('publish: export (static)', () => {
  it('writes exactly the bytes that a publish sends', async () => {
    const a = await env.make({ primary: 'page.html', files: { 'page.html': '<img src="a.png">', 'a.png': 'PNG' } });
    const res = await env.service.exportBundle(a.slug, path.join(await tempDir(), 'page.zip'));
    await env.service.publish(a.slug);
    const sent = env.server.reports.values().next().value!.versions[0]!.zip;
    expect((await fs.readFile(res.path!)).equals(sent)).toBe(true);
  });

  it('puts the zip into a folder typed as the target, and says so in a sentence when the folder cannot be written', async () => {
    const a = await env.make({ files: { 'index.html': '<h1>report</h1>' } });
    const folder = await tempDir();
    const res = await env.service.exportBundle(a.slug, folder);
    expect(res.path).toBe(path.join(folder, `${a.slug}.zip`));
    expect((await fs.stat(res.path!)).size).toBe(res.bytes);
    // /proc takes no new files, even for root: the error names the file and the fix, not ENOENT.
    const refused = await env.service.exportBundle(a.slug, '/proc/kiln-export.zip').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'IO', message: 'Could not write /proc/kiln-export.zip. Choose a folder you can write to.' });
    expect(await fs.readdir(folder)).toEqual([`${a.slug}.zip`]);
  });
});

describe('publish: access', () => {
  it('sends a PBKDF2 hash, keeps the plaintext in the keychain only, and keeps access on re-publish', async () => {
    const a = await env.make({ files: { 'index.html': '<h1>secret report</h1>' } });
    await env.service.publish(a.slug, { mode: 'password', password: 'open sesame' });
    const access = env.server.uploads()[0]!.body!.access as { mode: string; password_hash: string; pwd_version: number };
    expect(access.mode).toBe('password');
    expect(access.pwd_version).toBe(1);
    const [, iter, salt, dk] = access.password_hash.split('$');
    expect(pbkdf2Sync('open sesame', Buffer.from(salt!, 'base64'), Number(iter), 32, 'sha256').toString('base64')).toBe(dk);
    expect(await env.keychain.get(`publish.password.${a.id}`)).toBe('open sesame');
    const onDisk = await fs.readFile(path.join(a.dir, '.published.json'), 'utf8');
    expect(onDisk).not.toContain('open sesame');
    expect(JSON.parse(onDisk)['index.html']).toMatchObject({ mode: 'password', requires_password: true, pwd_version: 1 });

    // Re-publish without naming access: same report, still password, same version.
    await fs.writeFile(path.join(a.dir, 'index.html'), '<h1>secret report v2</h1>');
    await env.service.publish(a.slug);
    expect(env.server.uploads()[1]!.body).toMatchObject({ report_id: expect.any(String), access: { mode: 'password', pwd_version: 1 } });
    // A new password bumps the version.
    await env.service.publish(a.slug, { mode: 'password', password: 'new one' });
    expect(env.server.uploads()[2]!.body).toMatchObject({ access: { mode: 'password', pwd_version: 2 } });
    expect((await env.service.status(a.slug)).access).toMatchObject({ mode: 'password', passwordSet: true });
  });

  it('sends restricted e-mails normalized, and refuses restricted without a valid e-mail', async () => {
    const a = await env.make({ files: { 'index.html': '<h1>team</h1>' } });
    await expect(env.service.publish(a.slug, { mode: 'restricted', emails: ['  ', 'nope'], orgAllowed: false })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(env.server.uploads()).toEqual([]);
    await expect(fs.stat(path.join(a.dir, '.published.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await env.service.publish(a.slug, { mode: 'restricted', emails: [' Ann@Team.io', 'bob@team.io', 'ann@team.io'], orgAllowed: true });
    expect(env.server.uploads()[0]!.body!.access).toEqual({ mode: 'restricted', allowed_emails: ['ann@team.io', 'bob@team.io'], org_allowed: true, access_version: 1 });
  });

  it("keeps anton's plaintext password in step: reads it first, never removes it, writes a new one there too", async () => {
    const a = await env.make({ primary: 'report.html', files: { 'report.html': '<h1>from anton</h1>' } });
    const existing = await env.service.publish(a.slug); // a report on the server for anton's record to point at
    const file = path.join(a.dir, '.published.json');
    const antonEntry = { mode: 'password', requires_password: true, access_password: 'anton-pw', pwd_version: 3, report_id: existing.reportId, url: existing.url, last_md5: 'old' };
    await fs.writeFile(file, JSON.stringify({ 'report.html': antonEntry }, null, 2));
    // A stale password from an earlier Kiln publish: anton published last, so its password wins.
    await env.keychain.set(`publish.password.${a.id}`, 'older-kiln-pw');
    const before = await fs.readFile(file, 'utf8');
    const status = await env.service.status(a.slug);
    expect(status).toMatchObject({ state: 'changed', reportId: existing.reportId, access: { mode: 'password', passwordSet: true, antonPlaintext: true, antonKeepMakesPublic: false } });
    expect(await fs.readFile(file, 'utf8')).toBe(before); // a read never rewrites anton's file
    // anton's plaintext password is scrubbed from then on, like a keychain secret (model, logs, errors).
    expect(env.scrubber.scrub('the password is anton-pw here')).not.toContain('anton-pw');

    await env.service.publish(a.slug); // "keep": the password anton has on disk
    let access = env.server.uploads()[1]!.body!.access as { password_hash: string; pwd_version: number };
    expect(env.server.uploads()[1]!.body!.report_id).toBe(existing.reportId);
    expect(access.pwd_version).toBe(3);
    let [, , salt, dk] = access.password_hash.split('$');
    expect(pbkdf2Sync('anton-pw', Buffer.from(salt!, 'base64'), 200_000, 32, 'sha256').toString('base64')).toBe(dk);
    expect(await env.keychain.get(`publish.password.${a.id}`)).toBe('anton-pw');
    expect((await readJson(file))['report.html']).toMatchObject({ access_password: 'anton-pw', pwd_version: 3 });

    // A new password set in Kiln goes to anton's field too, so anton can't restore the old one under v4.
    await env.service.publish(a.slug, { mode: 'password', password: 'kiln-new' });
    access = env.server.uploads()[2]!.body!.access as { password_hash: string; pwd_version: number };
    expect(access.pwd_version).toBe(4);
    [, , salt, dk] = access.password_hash.split('$');
    expect(pbkdf2Sync('kiln-new', Buffer.from(salt!, 'base64'), 200_000, 32, 'sha256').toString('base64')).toBe(dk);
    expect((await readJson(file))['report.html']).toMatchObject({ mode: 'password', access_password: 'kiln-new', pwd_version: 4 });
    expect(await env.keychain.get(`publish.password.${a.id}`)).toBe('kiln-new');

    // Public again: the plaintext goes, as anton drops it too.
    await env.service.publish(a.slug, { mode: 'public' });
    expect((await readJson(file))['report.html']).not.toHaveProperty('access_password');
  });

  it('never writes a plaintext password itself, and says anton\'s "keep" would make its report public', async () => {
    const a = await env.make({ primary: 'index.html', files: { 'index.html': '<h1>kiln</h1>' } });
    await env.service.publish(a.slug, { mode: 'password', password: 'only-in-keychain' });
    const text = await fs.readFile(path.join(a.dir, '.published.json'), 'utf8');
    expect(text).not.toContain('only-in-keychain');
    expect(JSON.parse(text)['index.html']).toMatchObject({ mode: 'password', requires_password: true, pwd_version: 1 });
    const status = await env.service.status(a.slug);
    expect(status.access).toMatchObject({ mode: 'password', passwordSet: true, antonPlaintext: false, antonKeepMakesPublic: true });
  });
});

describe('publish: failures', () => {
  it('retries a 500 on an update with the same report_id and creates no duplicate', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    const first = await env.service.publish(a.slug);
    await fs.writeFile(path.join(a.dir, 'index.html'), 'v2');
    env.server.failNext({ kind: 'status', status: 500 }, { times: 2, pathPrefix: '/upload' });
    const second = await env.service.publish(a.slug);
    expect(second.reportId).toBe(first.reportId);
    const ids = env.server.uploads().slice(1).map((u) => u.body?.report_id ?? null);
    // Every attempt carries the same report_id: the service replaces, it never creates.
    expect(ids).toEqual([first.reportId, first.reportId, first.reportId]);
    expect(env.server.reports.size).toBe(1);
    expect(env.progress.some((p) => p.phase === 'retry')).toBe(true);
  });

  it('on a first publish whose answer was lost, checks /list and adopts the report instead of creating a second', async () => {
    const a = await env.make({ files: { 'index.html': 'hello' } });
    env.server.failNext({ kind: 'lose-response' }, { pathPrefix: '/upload' });
    const res = await env.service.publish(a.slug);
    expect(env.server.reports.size).toBe(1);
    expect(res.reportId).toBe([...env.server.reports.keys()][0]);
    expect(env.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /upload', 'GET /list']);
    expect((await env.service.status(a.slug)).state).toBe('published');
  });

  it('retries a first publish after a 500 or invalid JSON when /list shows it did not land', async () => {
    const a = await env.make({ files: { 'index.html': 'hello' } });
    env.server.failNext({ kind: 'status', status: 503 }, { pathPrefix: '/upload' });
    env.server.failNext({ kind: 'invalid-json' }, { pathPrefix: '/upload' });
    await env.service.publish(a.slug);
    expect(env.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /upload', 'GET /list', 'POST /upload', 'GET /list', 'POST /upload']);
    expect(env.server.reports.size).toBe(1);
  });

  it('refuses to resend a first publish when it cannot check whether the lost upload landed', async () => {
    const a = await env.make({ files: { 'index.html': 'hello' } });
    env.server.failNext({ kind: 'lose-response' }, { pathPrefix: '/upload' });
    env.server.failNext({ kind: 'status', status: 500 }, { pathPrefix: '/list' });
    env.server.failNext({ kind: 'status', status: 500 }, { pathPrefix: '/list' });
    env.server.failNext({ kind: 'status', status: 500 }, { pathPrefix: '/list' });
    env.server.failNext({ kind: 'status', status: 500 }, { pathPrefix: '/list' });
    await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('did not send it again') });
    expect(env.server.uploads()).toHaveLength(1);
    await expect(fs.stat(path.join(a.dir, '.published.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('turns a 401 into a request for a new key and keeps local state as it was', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    await env.keychain.set('publish.apiKey', 'wrong-key');
    await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'publish-key-rejected', message: expect.stringContaining('new key') });
    expect(env.server.uploads()).toHaveLength(1);
    await expect(fs.stat(path.join(a.dir, '.published.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await env.service.setApiKey(env.server.apiKey);
    await env.service.publish(a.slug);
    expect(env.server.reports.size).toBe(1);
  });

  it('refuses a publish URL that is not http(s), before sending anything', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    for (const url of ['ftp://example.org', 'not a url']) {
      env.settings.url = url;
      await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('Settings → Publishing') });
    }
    expect(env.server.requests).toEqual([]);
  });

  it('asks for a key when none is set', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    await env.keychain.delete('publish.apiKey');
    expect((await env.service.preflight(a.slug)).apiKeySet).toBe(false);
    await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'publish-key-missing' });
    expect(env.server.requests).toEqual([]);
  });

  it('cancels a slow upload, leaves local state untouched, and never re-publishes as new when the report vanished', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    env.server.failNext({ kind: 'slow', ms: 1500 }, { pathPrefix: '/upload' });
    const pending = env.service.publish(a.slug);
    await new Promise((r) => setTimeout(r, 200));
    expect(env.service.cancel(a.slug)).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(env.progress.at(-1)!.phase).toBe('cancelled');
    await expect(fs.stat(path.join(a.dir, '.published.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    await env.service.publish(a.slug);
    env.server.reports.clear(); // deleted elsewhere
    await fs.writeFile(path.join(a.dir, 'index.html'), 'v2');
    await expect(env.service.publish(a.slug)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('did not publish it as a new one') });
    expect(env.server.reports.size).toBe(0);
  });

  it('times out a stalled request and retries it', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    const first = await env.service.publish(a.slug);
    await fs.writeFile(path.join(a.dir, 'index.html'), 'v2');
    env.server.failNext({ kind: 'slow', ms: 2600 }, { pathPrefix: '/upload' });
    const second = await env.service.publish(a.slug);
    expect(second.reportId).toBe(first.reportId);
    expect(env.server.reports.get(first.reportId)!.versions).toHaveLength(2);
  });
});

describe('publish: headless defaults', () => {
  it('uses KILN_PUBLISH_URL and KILN_PUBLISH_API_KEY when settings are default and the keychain is empty', async () => {
    const a = await env.make({ files: { 'index.html': 'v1' } });
    await env.keychain.delete('publish.apiKey');
    const settings: PublishSettings = { url: DEFAULT_PUBLISH_URL, maxBundleMB: 50, pythonInterpreter: '' };
    const headless = new PublishService({
      artifacts: folderArtifacts(env.root), secrets: env.keychain, scrubber: env.scrubber, vault: env.vault,
      settings: () => settings,
      env: { KILN_PUBLISH_URL: env.server.url, KILN_PUBLISH_API_KEY: env.server.apiKey },
      client: { retries: 0 },
    });
    expect(headless.publishUrl()).toBe(env.server.url);
    await headless.publish(a.slug);
    expect(env.server.uploads()[0]!.authorization).toBe(`Bearer ${env.server.apiKey}`);
    expect(await env.keychain.get('publish.apiKey')).toBeNull();
    settings.url = 'https://publish.example.org';
    expect(headless.publishUrl()).toBe('https://publish.example.org');
  });
});

describe('publish: the leak scan needs the keychain', () => {
  it('refuses to publish when the keychain cannot be read, instead of scanning against no secrets', async () => {
    const a = await env.make({ files: { 'index.html': '<p>hello</p>' } });
    const locked = Object.assign(Object.create(env.keychain) as typeof env.keychain, {
      ensureLoaded: async () => new Error('The keychain is locked: unlock it and try again.'),
    });
    const service = new PublishService({
      artifacts: folderArtifacts(env.root), secrets: locked, scrubber: env.scrubber, vault: env.vault,
      settings: () => env.settings, env: {}, client: { retries: 0 },
    });
    const pf = await service.preflight(a.slug);
    expect(pf.blocking.map((b) => b.kind)).toContain('keychain-unavailable');
    expect(pf.blocking.find((b) => b.kind === 'keychain-unavailable')!.message).toMatch(/unlock it/);
    await expect(service.publish(a.slug)).rejects.toThrow();
    expect(env.server.uploads()).toHaveLength(0);
  });
});

describe('publish: a damaged .published.json', () => {
  it('is never overwritten: publishing is refused with a clear error and the file is kept', async () => {
    const a = await env.make({ files: { 'index.html': '<p>v1</p>' } });
    await fs.writeFile(path.join(a.dir, '.published.json'), '{"index.html": {"report_id": "r-live"');
    await expect(env.service.publish(a.slug)).rejects.toThrow(/publish record \(\.published\.json\) is damaged/);
    expect(await fs.readFile(path.join(a.dir, '.published.json'), 'utf8')).toBe('{"index.html": {"report_id": "r-live"');
    expect(await fs.readFile(path.join(a.dir, '.published.json.bak'), 'utf8')).toBe('{"index.html": {"report_id": "r-live"');
    expect(env.server.uploads()).toHaveLength(0);
  });
});
