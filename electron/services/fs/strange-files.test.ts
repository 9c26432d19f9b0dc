import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore } from '../agent/conversation-store';
import { ArtifactStore } from '../artifacts/store';
import { addArtifact, artifactsRoot, createTestSupervisor, makeWorkspace } from '../backends/testing';
import { PreviewServer } from '../preview/preview-server';
import { safeReadFile } from './safe-read';

/** Status and time of a request with a chosen Host header. */
function get(port: number, host: string, urlPath = '/'): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Four ordinary reads at once finish fast: Node's file-I/O threads are not held by a FIFO. */
async function hostResponsive(file: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 4 }, () => fs.readFile(file)));
  return performance.now() - t0;
}

const mkfifo = (p: string): void => void execFileSync('mkfifo', [p]);

async function timed<T>(p: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const t0 = performance.now();
  const [result] = await Promise.allSettled([p]);
  return { ms: performance.now() - t0, result: result! };
}

describe.skipIf(process.platform === 'win32')('a FIFO where Kiln expects a file', () => {
  let ws: string;
  let probe: string;
  beforeEach(async () => {
    ws = await makeWorkspace();
    probe = path.join(ws, 'probe.txt');
    await fs.writeFile(probe, 'ok');
  });
  afterEach(() => fs.rm(ws, { recursive: true, force: true }));

  it('the safe reader refuses FIFOs, links, folders and oversized files with typed errors, at once', async () => {
    mkfifo(path.join(ws, 'pipe'));
    await fs.symlink(probe, path.join(ws, 'link'));
    await fs.writeFile(path.join(ws, 'big'), Buffer.alloc(2048));
    const cases: [string, object][] = [
      ['pipe', { code: 'UNSUPPORTED', reason: 'not-regular-file' }],
      ['link', { code: 'UNSUPPORTED', reason: 'not-regular-file' }],
      ['.', { code: 'UNSUPPORTED', reason: 'not-regular-file' }],
      ['big', { code: 'UNSUPPORTED', reason: 'file-too-large' }],
      ['absent', { code: 'NOT_FOUND' }],
    ];
    for (const [name, error] of cases) {
      const { ms, result } = await timed(safeReadFile(path.join(ws, name), { maxBytes: 1024 }));
      expect(result.status, name).toBe('rejected');
      expect((result as PromiseRejectedResult).reason, name).toMatchObject(error);
      expect(ms, name).toBeLessThan(1000);
    }
    expect((await safeReadFile(probe, { maxBytes: 1024 })).toString()).toBe('ok');
  });

  it('backend.log as a FIFO: the launch fails with a typed error within a second', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'logpipe');
    mkfifo(path.join(dir, 'backend.log'));
    const { supervisor } = createTestSupervisor(ws);
    const { ms, result } = await timed(supervisor.launch('logpipe'));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'UNSUPPORTED', reason: 'not-regular-file' });
    expect((result as PromiseRejectedResult).reason.message).toMatch(/backend\.log is a FIFO.*Remove it/);
    expect(ms).toBeLessThan(1000);
    expect(await hostResponsive(probe)).toBeLessThan(1000);
    await supervisor.stopAll();
  });

  it('requirements.txt as a FIFO: the launch fails with a typed error within a second (never "installing" forever)', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'reqpipe');
    const { supervisor, python, recorded } = createTestSupervisor(ws);
    await python.ensureVenv('reqpipe', () => undefined); // made beforehand: the venv's own time is not the point
    await fs.rm(path.join(dir, 'requirements.txt'));
    mkfifo(path.join(dir, 'requirements.txt'));
    const { ms, result } = await timed(supervisor.launch('reqpipe'));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'UNSUPPORTED', reason: 'not-regular-file' });
    expect(ms).toBeLessThan(1000);
    expect(recorded.states.at(-1)?.state).toBe('crashed');
    expect(await hostResponsive(probe)).toBeLessThan(1000);
    await supervisor.stopAll();
  });

  it('metadata.json as a FIFO: 8 preview requests at once answer within a second; other artifacts and reads carry on', async () => {
    const root = artifactsRoot(ws);
    await addArtifact(ws, 'stdlib-app', 'metapipe');
    await fs.rm(path.join(root, 'metapipe', 'metadata.json'));
    mkfifo(path.join(root, 'metapipe', 'metadata.json'));
    const good = path.join(root, 'good');
    await fs.mkdir(good, { recursive: true });
    await fs.writeFile(path.join(good, 'index.html'), '<h1>fine</h1>');
    await fs.writeFile(
      path.join(good, 'metadata.json'),
      JSON.stringify({ schemaVersion: 1, id: '1a2b3c4d', slug: 'good', name: 'good', type: 'html-app', primary: 'index.html', port: null, datasources: [], createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', description: '', files: [], provenance: [] }),
    );
    const preview = new PreviewServer({ artifacts: new ArtifactStore({ workspaceDir: () => ws }), stateFile: path.join(ws, '.kiln', 'state', 'preview.json') });
    try {
      const bad = new URL(await preview.urlFor('metapipe'));
      const ok = new URL(await preview.urlFor('good'));
      const replies = await Promise.all(Array.from({ length: 8 }, () => get(Number(bad.port), bad.host)));
      for (const r of replies) {
        expect(r.status).toBe(404);
        expect(r.ms).toBeLessThan(1000);
      }
      const fine = await get(Number(ok.port), ok.host);
      expect(fine.status).toBe(200);
      expect(fine.ms).toBeLessThan(1000);
      expect(await hostResponsive(probe)).toBeLessThan(1000);
      const listed = await new ArtifactStore({ workspaceDir: () => ws }).list();
      expect(listed.find((i) => i.slug === 'metapipe')?.damaged?.reason).toMatch(/not a regular file/);
    } finally {
      await preview.close();
    }
  });

  it('a FIFO named *.jsonl among conversations: the list still answers within a second, the FIFO reads as a typed error', async () => {
    const store = new ConversationStore(() => ws);
    const real = await store.create('Real chat');
    mkfifo(path.join(store.dir(), 'c-fifo-0a0b0c0d.jsonl'));
    const { ms, result } = await timed(store.list());
    expect(ms).toBeLessThan(1000);
    expect(result.status).toBe('fulfilled');
    expect((result as PromiseFulfilledResult<{ id: string }[]>).value.map((c) => c.id)).toEqual([real]);
    await expect(store.read('c-fifo-0a0b0c0d')).rejects.toMatchObject({ code: 'UNSUPPORTED', reason: 'not-regular-file' });
    expect(await hostResponsive(probe)).toBeLessThan(1000);
  });
});

describe('a 50 MB metadata.json and 20 previews at once', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bigrecord-'));
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  it('answers each at once and keeps the host under +100 MB (the store\'s 5 MB cap applies)', async () => {
    const dir = path.join(tmp, '.anton', 'artifacts', 'huge');
    await fs.mkdir(dir, { recursive: true });
    const record = { schemaVersion: 1, id: '1a2b3c4d', slug: 'huge', name: 'huge', type: 'html-app', primary: 'index.html', port: null, datasources: [], createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', files: [], provenance: [] };
    await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ ...record, description: 'x'.repeat(50 * 1024 * 1024) }));
    await fs.writeFile(path.join(dir, 'index.html'), 'hi');
    const preview = new PreviewServer({ artifacts: new ArtifactStore({ workspaceDir: () => tmp }), stateFile: path.join(tmp, '.kiln', 'state', 'preview.json') });
    try {
      const u = new URL(await preview.urlFor('huge'));
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const t0 = performance.now();
      const replies = await Promise.all(Array.from({ length: 20 }, () => get(Number(u.port), u.host)));
      const totalMs = performance.now() - t0;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      for (const r of replies) expect(r.status).toBe(404);
      const growthMb = (peak - before) / 1048576;
      process.stdout.write(`[big-record] 20 concurrent previews of a 50 MB record: ${totalMs.toFixed(0)} ms in all, RSS +${growthMb.toFixed(1)} MB\n`);
      expect(growthMb).toBeLessThan(100);
      expect(totalMs).toBeLessThan(2000);
    } finally {
      await preview.close();
    }
  });
});
