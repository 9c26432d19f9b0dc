import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreviewServer } from '../preview/preview-server';
import { LiveReload } from './live-reload';
import type { BackendSupervisor } from './supervisor';
import { addArtifact, alive, createTestSupervisor, makeWorkspace } from './testing';
import type { ArtifactStore } from '../artifacts/store';

const SLUG = 'live-app';
const backendWith = (value: string): Promise<string> => fs.readFile(path.resolve('e2e/fixtures/backends/live-app/backend.py'), 'utf8').then((s) => s.replace('VALUE = "v1"', `VALUE = "${value}"`));

/** GET through the preview proxy on the artifact's own origin (Host header forged: fetch can't). */
async function viaProxy(preview: PreviewServer, urlPath: string): Promise<{ status: number; body: string }> {
  const origin = new URL(await preview.originFor(SLUG));
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(origin.port), path: urlPath, headers: { host: origin.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('live reload of a running backend', () => {
  let ws: string;
  let supervisor: BackendSupervisor;
  let artifacts: ArtifactStore;
  let preview: PreviewServer;
  let live: LiveReload;
  let restarts: number;

  beforeEach(async () => {
    ws = await makeWorkspace();
    await addArtifact(ws, 'live-app', SLUG);
    ({ supervisor, artifacts } = createTestSupervisor(ws));
    preview = new PreviewServer({ artifacts, backendPort: (s) => supervisor.portFor(s) });
    restarts = 0;
    live = new LiveReload({
      onChanged: (l) => artifacts.onChanged(l),
      backends: {
        status: (s) => supervisor.status(s),
        liveRestart: (s) => {
          restarts++;
          return supervisor.liveRestart(s);
        },
      },
      stateFile: () => path.join(ws, '.kiln', 'state', 'live-reload.json'),
      // Far wider than the default, so even a heavily loaded machine (CI beside other jobs, where
      // 300 ms once let a 20 ms gap between writes stretch past it) writes the burst inside it.
      debounceMs: 1000,
    });
  });

  afterEach(async () => {
    live.dispose();
    await supervisor.stopAll();
    await preview.close();
    await fs.rm(ws, { recursive: true, force: true });
  });

  it('restarts on a backend.py write on the same preview origin; the old process is gone afterwards', async () => {
    const first = await supervisor.launch(SLUG);
    const origin = await preview.originFor(SLUG);
    expect(JSON.parse((await viaProxy(preview, '/api/value')).body)).toEqual({ value: 'v1' });

    await artifacts.files.write(SLUG, 'backend.py', await backendWith('v2'), 'agent');
    const outcome = await live.afterWrite(SLUG, 'backend.py');
    expect(outcome?.state).toBe('running');
    expect(outcome?.reload).toBeUndefined();
    expect(outcome?.pid).not.toBe(first.pid);
    expect(await preview.originFor(SLUG)).toBe(origin);
    expect(JSON.parse((await viaProxy(preview, '/api/value')).body)).toEqual({ value: 'v2' });
    expect(alive(first.pid!)).toBe(false);
    expect((await artifacts.read(SLUG)).port).toBe(outcome?.port);
  });

  it('keeps the old version serving when the new one fails to start, and reports the traceback', async () => {
    await supervisor.launch(SLUG);
    await artifacts.files.write(SLUG, 'backend.py', 'import nonexistent_module_for_kiln_test\n', 'outside');
    const outcome = await live.afterWrite(SLUG, 'backend.py');
    expect(outcome?.state).toBe('running');
    expect(outcome?.reload?.phase).toBe('failed');
    expect(outcome?.reload?.error).toMatch(/new version failed to start/);
    expect(outcome?.reload?.logTail).toContain("ModuleNotFoundError: No module named 'nonexistent_module_for_kiln_test'");
    // The previous version still answers through the proxy.
    expect(JSON.parse((await viaProxy(preview, '/api/value')).body)).toEqual({ value: 'v1' });

    // Fixing it clears the failure and serves the fix.
    await artifacts.files.write(SLUG, 'backend.py', await backendWith('fixed'), 'agent');
    const fixed = await live.afterWrite(SLUG, 'backend.py');
    expect(fixed?.reload).toBeUndefined();
    expect(JSON.parse((await viaProxy(preview, '/api/value')).body)).toEqual({ value: 'fixed' });
  });

  it('restarts once for a burst of writes', async () => {
    await supervisor.launch(SLUG);
    for (let i = 0; i < 5; i++) {
      await artifacts.files.write(SLUG, `helper_${i}.py`, `X = ${i}\n`, 'agent');
      await new Promise((r) => setTimeout(r, 20));
    }
    await artifacts.files.write(SLUG, 'backend.py', await backendWith('burst'), 'agent');
    await live.afterWrite(SLUG, 'backend.py');
    expect(restarts).toBe(1);
    expect(JSON.parse((await viaProxy(preview, '/api/value')).body)).toEqual({ value: 'burst' });
  });

  it('reinstalls and restarts when requirements.txt changes', async () => {
    const first = await supervisor.launch(SLUG);
    await artifacts.files.write(SLUG, 'requirements.txt', '# nothing to install yet\n', 'agent');
    const outcome = await live.afterWrite(SLUG, 'requirements.txt');
    expect(outcome?.state).toBe('running');
    expect(outcome?.pid).not.toBe(first.pid);
  });

  it('does nothing while the switch is off, for static files, or for a stopped backend', async () => {
    const first = await supervisor.launch(SLUG);
    await live.setEnabled(SLUG, false);
    expect(JSON.parse(await fs.readFile(path.join(ws, '.kiln', 'state', 'live-reload.json'), 'utf8'))).toEqual({ off: [SLUG] });
    await artifacts.files.write(SLUG, 'backend.py', await backendWith('ignored'), 'agent');
    expect(await live.afterWrite(SLUG, 'backend.py')).toBeNull();
    await artifacts.files.write(SLUG, 'static/app.js', '1', 'agent');
    expect(await live.afterWrite(SLUG, 'static/app.js')).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(restarts).toBe(0);
    expect(supervisor.status(SLUG).pid).toBe(first.pid);

    await live.setEnabled(SLUG, true);
    await supervisor.stop(SLUG);
    await artifacts.files.write(SLUG, 'backend.py', await backendWith('v3'), 'agent');
    expect(await live.afterWrite(SLUG, 'backend.py')).toBeNull();
    expect(supervisor.status(SLUG).state).toBe('stopped');
  });
});
