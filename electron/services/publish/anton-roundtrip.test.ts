/**
 * Publishing where anton has published (or will publish) the same artifact: its publish state
 * next to the primary, its plaintext password, its zip bytes, its request headers. anton's side
 * is played by hand-written fixtures in anton's exact formats: `.published.json` as anton writes
 * it and zips built by real Python `zipfile` the way anton's publisher builds them
 * (fixtures/anton/reference_zip.py). Run inside scripts/with-keyring.sh.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPublishServer, type PublishServer } from '../../../e2e/fixtures/publish-server';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { planBundle } from './bundle-plan';
import { PublishService } from './publish-service';
import { folderArtifacts, makeArtifact, MemoryVault, tempArtifactsRoot, tempDir, type ArtifactSpec } from './testing';
import { buildZip, removeZip } from './zip';

const REFERENCE = path.join(__dirname, 'fixtures', 'anton', 'reference_zip.py');

/** The zip anton's publisher would build, by real Python. */
async function antonZip(mode: 'static' | 'fullstack', source: string): Promise<Buffer> {
  const out = path.join(await tempDir('kiln-anton-zip-'), 'anton.zip');
  execFileSync('/usr/bin/python3', [REFERENCE, mode, out, source], { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  return fs.readFile(out);
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

interface Env {
  server: PublishServer;
  keychain: KeychainSecretStore;
  service: PublishService;
  root: string;
  make(spec: ArtifactSpec): Promise<{ slug: string; id: string; dir: string }>;
  /** What anton's publisher does on the wire: a POST /upload with the zip, as a new report. */
  antonUpload(zip: Buffer): Promise<{ report_id: string; view_url: string; md5: string }>;
}

let env: Env;

beforeEach(async () => {
  const server = await startPublishServer();
  const root = await tempArtifactsRoot();
  const keychain = new KeychainSecretStore({ keychainService: `KilnAntonTest-${randomBytes(4).toString('hex')}` });
  await keychain.set('publish.apiKey', server.apiKey);
  const scrubber = new Scrubber();
  const service = new PublishService({
    artifacts: folderArtifacts(root),
    secrets: keychain,
    scrubber,
    vault: new MemoryVault((n, v) => scrubber.register(n, v)),
    settings: () => ({ url: server.url, maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' }),
    env: {},
    client: { retries: 1, retryDelayMs: 10, idleTimeoutMs: 2000 },
  });
  env = {
    server, keychain, service, root,
    make: async (spec) => {
      const rec = await makeArtifact(root, spec);
      return { slug: rec.slug, id: rec.id, dir: path.join(root, rec.slug) };
    },
    antonUpload: async (zip) => {
      const res = await fetch(`${server.url}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file_payload: zip.toString('base64'), access: { mode: 'public' } }),
      });
      return (await res.json()) as { report_id: string; view_url: string; md5: string };
    },
  };
});

afterEach(async () => {
  await env.server.close();
  for (const account of await env.keychain.accounts()) await env.keychain.delete(account);
});

/** `.published.json` exactly as anton writes it: json.dumps(indent=2), ASCII, no final newline. */
async function writeAntonState(dir: string, map: Record<string, unknown>): Promise<void> {
  const text = JSON.stringify(map, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  await fs.writeFile(path.join(dir, '.published.json'), text);
}

const PAGE = [
  '<!doctype html>\r\n<html><head><link rel="stylesheet" href="style.css">\r\n',
  '<script src="app.js?v=2"></script></head>\r\n',
  '<body><img srcset="img/hi.png 2x"><div style="background:url(\'img/bg.png\')"></div>café\r\n</body></html>\r\n',
].join('');

const staticSite = (): ArtifactSpec => ({
  primary: 'site/index.html',
  files: {
    'site/index.html': PAGE,
    'site/style.css': 'body { color: red }\r\n',
    'site/app.js': 'console.log("kiln follows ?v=2, anton does not")\n',
    'site/img/hi.png': 'PNG-HI',
    'site/img/bg.png': 'PNG\r\nBG',
  },
});

describe('anton published a static page (state in site/.published.json, password in clear)', () => {
  it('shows it published with no changes, republishes the same report there, and unpublish removes it', async () => {
    const a = await env.make(staticSite());
    const zip = await antonZip('static', path.join(a.dir, 'site', 'index.html'));
    const report = await env.antonUpload(zip);
    const site = path.join(a.dir, 'site');
    await writeAntonState(site, {
      'index.html': { mode: 'password', requires_password: true, access_password: 'anton-plain', pwd_version: 2, report_id: report.report_id, url: report.view_url, last_md5: report.md5 },
    });

    // Before: Kiln looked only at the artifact root and showed "not published".
    const status = await env.service.status(a.slug);
    expect(status).toMatchObject({ state: 'published', reportId: report.report_id, access: { mode: 'password', antonPlaintext: true } });
    expect((await env.service.preflight(a.slug)).status.state).toBe('published');

    // Kiln's bundle is larger (app.js via ?v=2, img/hi.png via srcset), so it is a new version of the SAME report.
    const res = await env.service.publish(a.slug);
    expect(res.reportId).toBe(report.report_id);
    expect(env.server.reports.size).toBe(1);
    expect(env.server.uploads().at(-1)!.body!.report_id).toBe(report.report_id);
    await expect(fs.access(path.join(a.dir, '.published.json'))).rejects.toThrow(); // nothing at the root
    const state = JSON.parse(await fs.readFile(path.join(site, '.published.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(state['index.html']).toMatchObject({ report_id: report.report_id, last_md5: res.md5, mode: 'password', access_password: 'anton-plain', pwd_version: 2 });
    expect((await env.service.status(a.slug)).state).toBe('published');

    await env.service.unpublish(a.slug);
    expect(env.server.reports.size).toBe(0);
    await expect(fs.access(path.join(site, '.published.json'))).rejects.toThrow();
    expect((await env.service.status(a.slug)).state).toBe('not-published');
  });

  it('unpublishes both live reports when an earlier Kiln publish left a second one at the root', async () => {
    const a = await env.make(staticSite());
    const antonReport = await env.antonUpload(await antonZip('static', path.join(a.dir, 'site', 'index.html')));
    const kilnReport = await env.antonUpload(Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1'));
    await writeAntonState(path.join(a.dir, 'site'), { 'index.html': { mode: 'public', requires_password: false, report_id: antonReport.report_id, url: antonReport.view_url, last_md5: antonReport.md5 } });
    await writeAntonState(a.dir, { 'index.html': { report_id: kilnReport.report_id, url: kilnReport.view_url, last_md5: 'x', mode: 'public', requires_password: false } });
    expect((await env.service.status(a.slug)).reportId).toBe(antonReport.report_id);
    await env.service.unpublish(a.slug);
    expect(env.server.reports.size).toBe(0);
    await expect(fs.access(path.join(a.dir, '.published.json'))).rejects.toThrow();
    await expect(fs.access(path.join(a.dir, 'site', '.published.json'))).rejects.toThrow();
  });

  it('after Kiln publishes, anton finds the state where it looks and anton\'s bundle of unchanged files matches', async () => {
    const a = await env.make({ primary: 'site/index.html', files: { 'site/index.html': '<link href="a.css" rel="stylesheet">\r\n', 'site/a.css': 'p{}\r\n' } });
    const res = await env.service.publish(a.slug);
    const state = JSON.parse(await fs.readFile(path.join(a.dir, 'site', '.published.json'), 'utf8')) as Record<string, { last_md5: string; report_id: string }>;
    expect(state['index.html']!.report_id).toBe(res.reportId);
    // Same selection on both sides: anton's zip of these files is byte for byte Kiln's.
    expect(md5(await antonZip('static', path.join(a.dir, 'site', 'index.html')))).toBe(state['index.html']!.last_md5);
  });
});

describe("anton's zip, byte for byte", () => {
  it('builds a fullstack bundle identical to the zip anton builds from the same folder', async () => {
    const a = await env.make({
      type: 'fullstack-stateless-app',
      primary: 'static/index.html',
      files: {
        'backend.py': 'import os\r\nfrom fastapi import FastAPI\r\napp = FastAPI()\r\n',
        'requirements.txt': 'fastapi\nuvicorn\nmangum\n',
        'static/index.html': '<!doctype html>\r\n<h1>Ünïcödé</h1>\r',
        'static/a-b.js': 'var x = "a-b";\n',
        'static/a/b.js': 'var y = "bad \xff byte";\n',
        'static/données.json': '{"k": "v"}\r\n',
        'static/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]).toString('latin1'),
        'static/README.md': 'never shipped',
      },
    });
    // A byte that is not UTF-8, and a binary file with CRLF inside it (must stay untouched).
    await fs.writeFile(path.join(a.dir, 'static', 'a', 'b.js'), Buffer.concat([Buffer.from('var y = "bad '), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('";\r\n')]));
    await fs.writeFile(path.join(a.dir, 'static', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]));
    const plan = await planBundle(folderArtifacts(env.root).files, (await folderArtifacts(env.root).read(a.slug)));
    const ours = await buildZip(plan.entries, { maxBytes: 10 * 1024 * 1024 });
    try {
      const theirs = await antonZip('fullstack', a.dir);
      expect((await fs.readFile(ours.file)).equals(theirs)).toBe(true);
      expect(ours.md5).toBe(md5(theirs));
    } finally {
      await removeZip(ours.file);
    }
  });

  it('shows "published" for a fullstack app anton published from unchanged files, and "changed" after an edit', async () => {
    const a = await env.make({
      type: 'fullstack-stateful-app',
      primary: 'static/index.html',
      files: { 'backend.py': 'print(1)\r\n', 'requirements.txt': 'fastapi\n', 'static/index.html': '<h1>x</h1>\r\n' },
    });
    const report = await env.antonUpload(await antonZip('fullstack', a.dir));
    await writeAntonState(a.dir, { 'index.html': { mode: 'public', requires_password: false, report_id: report.report_id, url: report.view_url, last_md5: report.md5 } });
    expect((await env.service.status(a.slug)).state).toBe('published');
    await fs.writeFile(path.join(a.dir, 'static', 'index.html'), '<h1>y</h1>');
    expect((await env.service.status(a.slug)).state).toBe('changed');
  });
});

describe('request headers', () => {
  it("sends the headers anton's client sends on every call (the service's bot protection wants them)", async () => {
    const a = await env.make({ primary: 'index.html', files: { 'index.html': '<h1>hi</h1>' } });
    await env.service.publish(a.slug);
    await env.service.unpublish(a.slug);
    const calls = env.server.requests.filter((r) => r.path === '/upload' || r.path.startsWith('/delete/'));
    expect(calls.length).toBe(2);
    for (const r of calls) {
      expect(r.headers).toMatchObject({
        authorization: `Bearer ${env.server.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'Mozilla/5.0 (compatible; Anton/1.0; +https://github.com/mindsdb/anton)',
        'accept-language': 'en-US,en;q=0.9',
        'accept-encoding': 'identity',
      });
    }
  });
});
