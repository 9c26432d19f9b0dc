import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip } from '../../../e2e/fixtures/publish-server';
import { KilnError } from '../../../shared/contract/core';
import { planBundle } from './bundle-plan';
import { folderArtifacts, makeArtifact, tempArtifactsRoot, tempDir } from './testing';
import { buildZip, removeZip } from './zip';

const FULLSTACK_FILES = {
  'backend.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  'requirements.txt': 'fastapi\nuvicorn\nmangum\n',
  'static/index.html': '<!doctype html><title>x</title><script src="app.js"></script>',
  'static/app.js': 'console.log(1)\n',
  'static/img/logo.svg': '<svg/>',
  'static/README.md': 'not shipped',
  'backend.log': 'log',
  'helper.py': 'X = 1\n',
  'data.db': 'sqlite',
};

async function zipBytes(file: string): Promise<Buffer> {
  return fs.readFile(file);
}

describe('bundle', () => {
  it('ships backend.py, requirements.txt and static/** (sorted) and warns about files left behind', async () => {
    const root = await tempArtifactsRoot();
    const rec = await makeArtifact(root, { type: 'fullstack-stateless-app', primary: 'static/index.html', files: FULLSTACK_FILES });
    const plan = await planBundle(folderArtifacts(root).files, rec);
    expect(plan.kind).toBe('fullstack');
    expect(plan.entries.map((e) => e.name)).toEqual(['backend.py', 'requirements.txt', 'static/app.js', 'static/img/logo.svg', 'static/index.html']);
    expect(plan.blocking).toEqual([]);
    const unshipped = plan.warnings.filter((w) => w.kind === 'unshipped-file').map((w) => w.file);
    expect(unshipped.sort()).toEqual(['data.db', 'helper.py']);
  });

  it('builds the same bytes twice, with fixed 1980 dates and DEFLATE, whatever the mtimes', async () => {
    const root = await tempArtifactsRoot();
    const rec = await makeArtifact(root, { type: 'fullstack-stateless-app', primary: 'static/index.html', files: FULLSTACK_FILES });
    const dir = path.join(root, rec.slug);
    const first = await buildZip((await planBundle(folderArtifacts(root).files, rec)).entries, { maxBytes: 10 * 1024 * 1024 });
    // Same content, new modification time: the bundle must not change.
    await fs.utimes(path.join(dir, 'static/app.js'), new Date(), new Date(Date.now() + 60_000));
    const second = await buildZip((await planBundle(folderArtifacts(root).files, rec)).entries, { maxBytes: 10 * 1024 * 1024 });
    const a = await zipBytes(first.file);
    const b = await zipBytes(second.file);
    expect(a.equals(b)).toBe(true);
    expect(first.md5).toBe(second.md5);
    expect(first.md5).toBe(createHash('md5').update(a).digest('hex'));
    expect(first.bytes).toBe(a.length);
    const entries = readZip(a);
    expect(entries.map((e) => e.name)).toEqual(['backend.py', 'requirements.txt', 'static/app.js', 'static/img/logo.svg', 'static/index.html']);
    for (const e of entries) {
      expect(e.method).toBe(8);
      expect(e.dosDate).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(e.dosTime).toBe(0);
    }
    expect(entries.find((e) => e.name === 'static/app.js')!.data.toString()).toBe('console.log(1)\n');
    // A content change does change the md5 ("unpublished changes").
    await fs.writeFile(path.join(dir, 'static/app.js'), 'console.log(2)\n');
    const third = await buildZip((await planBundle(folderArtifacts(root).files, rec)).entries, { maxBytes: 10 * 1024 * 1024 });
    expect(third.md5).not.toBe(first.md5);
    for (const z of [first, second, third]) await removeZip(z.file);
  });

  it('ships a static primary as index.html with the relative files it references, and nothing else', async () => {
    const root = await tempArtifactsRoot();
    const rec = await makeArtifact(root, {
      primary: 'dashboard.html',
      files: {
        'dashboard.html': `<link href="css/site.css" rel="stylesheet"><img src="img/a.png?v=2"><img srcset="img/b.png 2x">
<script src="https://cdn.example.com/x.js"></script><a href="#top">t</a><a href="/abs">a</a><img src="data:image/png;base64,AA">
<a href="missing.csv">m</a><div style="background:url('img/bg.jpg')"></div>`,
        'css/site.css': '@import "extra.css"; body { background: url(../img/tile.png) }',
        'css/extra.css': 'p{}',
        'img/a.png': 'A',
        'img/b.png': 'B',
        'img/bg.jpg': 'J',
        'img/tile.png': 'T',
        'unrelated.txt': 'not referenced',
      },
    });
    const plan = await planBundle(folderArtifacts(root).files, rec);
    // anton's order: the page first, then the rest as Python sorts paths.
    expect(plan.entries.map((e) => e.name)).toEqual(['index.html', 'css/extra.css', 'css/site.css', 'img/a.png', 'img/b.png', 'img/bg.jpg', 'img/tile.png']);
    // anton ships less (no srcset, no @import, no stylesheet walk, no "?v=2" refs): kept to compare md5s.
    expect(plan.antonEntries?.map((e) => e.name)).toEqual(['index.html', 'css/site.css', 'img/bg.jpg']);
    expect(plan.warnings.some((w) => w.message.includes('missing.csv'))).toBe(true);
    expect(plan.blocking).toEqual([]);
  });

  it('refuses a static artifact without a primary, and a reference that escapes the folder', async () => {
    const root = await tempArtifactsRoot();
    const none = await makeArtifact(root, { primary: null, files: { 'a.html': 'x' } });
    expect((await planBundle(folderArtifacts(root).files, none)).blocking[0]!.kind).toBe('missing-file');
    const escape = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<img src="../../etc/passwd">' } });
    const plan = await planBundle(folderArtifacts(root).files, escape);
    expect(plan.entries.map((e) => e.name)).toEqual(['index.html']);
    expect(plan.warnings[0]!.message).toContain('outside');

    // A symlinked folder pointing out of the artifact is not followed.
    const outside = await tempDir();
    await fs.writeFile(path.join(outside, 'secret.txt'), 'private');
    const linked = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<a href="docs/secret.txt">x</a><img src="ok.png">', 'ok.png': 'P' } });
    await fs.symlink(outside, path.join(root, linked.slug, 'docs'));
    const linkedPlan = await planBundle(folderArtifacts(root).files, linked);
    expect(linkedPlan.entries.map((e) => e.name)).toEqual(['index.html', 'ok.png']);
  });

  it('stops at the size limit with a clear error and leaves no temp file', async () => {
    const root = await tempArtifactsRoot();
    const big = randomBytes(300_000); // incompressible
    const rec = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': '<img src="big.bin">', 'big.bin': big } });
    const plan = await planBundle(folderArtifacts(root).files, rec);
    const before = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('kiln-bundle-')).length;
    const err = await buildZip(plan.entries, { maxBytes: 100_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('VALIDATION');
    expect((err as KilnError).message).toMatch(/larger than the .* MB limit/);
    const after = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('kiln-bundle-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('is cancelled by its signal', async () => {
    const root = await tempArtifactsRoot();
    const rec = await makeArtifact(root, { primary: 'index.html', files: { 'index.html': 'x' } });
    const plan = await planBundle(folderArtifacts(root).files, rec);
    const ac = new AbortController();
    ac.abort();
    // A private temp dir for this call, so "nothing left behind" is exact (other test files run at once).
    const tmp = await tempDir();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await expect(buildZip(plan.entries, { maxBytes: 1e6, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(await fs.readdir(tmp)).toEqual([]);
  });
});
