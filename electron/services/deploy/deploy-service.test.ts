/**
 * The deploy service against a real, private Docker Engine (e2e/fixtures/dockerd.ts), real
 * artifact folders, the real publish review and the real keychain. Run as root, inside
 * scripts/with-keyring.sh:  scripts/with-keyring.sh npx vitest run electron/services/deploy
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../e2e/fixtures/dockerd';
import { deployCredentialAccount } from '../../../shared/vault/accounts';
import { deployEnv, freePort, getText, type DeployEnv } from './testing';
import { demuxBuffer } from './runtime';

const PG = { engine: 'postgres', name: 'deadbeef' };
const PG_PASSWORD = 'deploy-s3cret-Value-77';
const PG_VAR = 'DS_POSTGRES_DEADBEEF__PASSWORD';

const fastapiApp = (version: string, readsSecret = false): Record<string, string> => ({
  'backend.py': [
    'import argparse, os',
    'from pathlib import Path',
    'from fastapi import FastAPI',
    'from fastapi.staticfiles import StaticFiles',
    'app = FastAPI()',
    '@app.get("/api/health")',
    'def health():',
    '    return {"status": "ok"}',
    '@app.get("/api/data")',
    'def data():',
    `    return {"version": "${version}", "has_secret": ${readsSecret ? `bool(os.environ.get("${PG_VAR}"))` : 'False'}}`,
    'app.mount("/", StaticFiles(directory=str(Path(__file__).parent / "static"), html=True), name="static")',
    'if __name__ == "__main__":',
    '    import uvicorn',
    '    p = argparse.ArgumentParser(); p.add_argument("--port", type=int, required=True)',
    '    uvicorn.run(app, host="127.0.0.1", port=p.parse_args().port)',
  ].join('\n'),
  'requirements.txt': 'fastapi\nuvicorn\nmangum\n',
  'static/index.html': `<!doctype html><h1>Inventory ${version}</h1>`,
});

let engine: TestEngine;
let env: DeployEnv;

beforeAll(async () => {
  engine = await startTestEngine();
  env = await deployEnv({ dockerHost: engine.host, baseImage: engine.baseImage, healthTimeoutMs: 20_000 });
  env.vault.add(PG, { host: 'db.internal', user: 'app', password: PG_PASSWORD });
}, 600_000);

afterAll(async () => {
  env?.service.shutdown();
  for (const account of (await env?.keychain.accounts()) ?? []) await env.keychain.delete(account);
  await engine?.stop();
}, 120_000);

async function allImageBytes(ref: string): Promise<Buffer> {
  const stream = await engine.docker.getImage(ref).get();
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('deploy to a real Docker Engine', () => {
  it('deploys a FastAPI app: URL answers, the secret is in the container env only, redeploy, rollback, stop and remove', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', name: 'Inventory', primary: 'static/index.html', datasources: [PG], files: fastapiApp('v1', true) });
    const port = await freePort();
    const d1 = await env.service.deploy(a.slug, 'local', port, 'unless-stopped');
    expect(d1).toMatchObject({ status: 'running', url: `http://localhost:${port}/`, hostPort: port });
    expect(d1.image).toMatch(new RegExp(`^kiln/${a.slug}:\\d{8}-\\d{6}-\\d{3}$`));
    expect(await getText(`http://127.0.0.1:${port}/api/data`)).toEqual({ status: 200, text: '{"version":"v1","has_secret":true}' });
    expect((await getText(`http://127.0.0.1:${port}/`)).text).toContain('Inventory v1');
    expect(env.progress.some((p) => p.phase === 'build' && /^Step \d+\/\d+ : /.test(p.line))).toBe(true);
    expect(env.progress.at(-1)).toMatchObject({ phase: 'done' });

    // The secret is container environment at run time, and nowhere in the image.
    const info = await engine.docker.getContainer(d1.containerId!).inspect();
    expect(info.Config.Env).toContain(`${PG_VAR}=${PG_PASSWORD}`);
    expect(info.Config.Labels['kiln.artifact']).toBe(a.id);
    expect(JSON.stringify(info.Config.Labels)).not.toContain(PG_PASSWORD);
    const image = await engine.docker.getImage(d1.image!).inspect();
    expect(JSON.stringify(image)).not.toContain(PG_PASSWORD);
    expect(JSON.stringify(await engine.docker.getImage(d1.image!).history())).not.toContain(PG_PASSWORD);
    expect((await allImageBytes(d1.image!)).includes(Buffer.from(PG_PASSWORD))).toBe(false);
    // Progress lines never carry it either.
    expect(JSON.stringify(env.progress)).not.toContain(PG_PASSWORD);

    // State on disk: no secret.
    const stateText = await fs.readFile(path.join(env.workspace, '.kiln', 'deployments.json'), 'utf8');
    expect(stateText).toContain(d1.image!);
    expect(stateText).not.toContain(PG_PASSWORD);

    // Redeploy after an edit: the new version serves, the old container is gone.
    await fs.writeFile(path.join(a.dir, 'backend.py'), fastapiApp('v2', true)['backend.py']!);
    const d2 = await env.service.redeploy(d1.id);
    expect(d2.image).not.toBe(d1.image);
    expect(d2.previousImages).toEqual([d1.image]);
    expect(JSON.parse((await getText(`http://127.0.0.1:${port}/api/data`)).text).version).toBe('v2');
    await expect(engine.docker.getContainer(d1.containerId!).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // Logs: the container's output, scrubbed.
    const logs = await env.service.logs(d2.id, false);
    expect(logs.text).toContain('kiln: listening on 127.0.0.1:');

    // Rollback: the previous image serves again.
    const d3 = await env.service.rollback(d2.id);
    expect(d3.image).toBe(d1.image);
    expect(d3.previousImages).toEqual([]);
    expect(JSON.parse((await getText(`http://127.0.0.1:${port}/api/data`)).text).version).toBe('v1');
    await expect(env.service.rollback(d3.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Stop: no container left, the record says stopped.
    const stopped = await env.service.stop(d3.id);
    expect(stopped.status).toBe('stopped');
    expect(await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`kiln.deployment=${d3.id}`] }) })).toEqual([]);
    await expect(getText(`http://127.0.0.1:${port}/`)).rejects.toThrow();

    // Remove: no container, no image of this deployment, no record.
    await env.service.remove(d3.id);
    expect(await engine.docker.listImages({ filters: JSON.stringify({ label: [`kiln.deployment=${d3.id}`] }) })).toEqual([]);
    expect(await env.service.list(a.slug)).toEqual([]);
  }, 240_000);

  it('runs a backend without an ASGI app (stdlib http.server on 127.0.0.1) and a static report', async () => {
    const stdlib = await env.make({
      type: 'fullstack-stateless-app',
      primary: 'static/index.html',
      files: {
        'backend.py': [
          'import argparse, json',
          'from http.server import BaseHTTPRequestHandler, HTTPServer',
          'class H(BaseHTTPRequestHandler):',
          '    def do_GET(self):',
          '        body = json.dumps({"status": "ok", "path": self.path}).encode()',
          '        self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers(); self.wfile.write(body)',
          'if __name__ == "__main__":',
          '    p = argparse.ArgumentParser(); p.add_argument("--port", type=int, required=True)',
          '    HTTPServer(("127.0.0.1", p.parse_args().port), H).serve_forever()',
        ].join('\n'),
        'requirements.txt': '',
        'static/index.html': '<h1>x</h1>',
      },
    });
    const port = await freePort();
    const d = await env.service.deploy(stdlib.slug, 'local', port, 'no');
    expect(await getText(`http://127.0.0.1:${port}/api/items`)).toEqual({ status: 200, text: '{"status": "ok", "path": "/api/items"}' });
    expect((await env.service.logs(d.id, false)).text).toContain('no ASGI app in backend.py');

    const page = await env.make({ type: 'html-app', primary: 'report.html', files: { 'report.html': '<link rel="stylesheet" href="s.css"><h1>Static report</h1>', 's.css': 'h1{color:red}' } });
    const port2 = await freePort();
    await env.service.deploy(page.slug, 'local', port2, 'no');
    expect((await getText(`http://127.0.0.1:${port2}/`)).text).toContain('Static report');
    expect((await getText(`http://127.0.0.1:${port2}/s.css`)).text).toBe('h1{color:red}');
    for (const x of await env.service.list()) await env.service.remove(x.id);
  }, 240_000);

  it('keeps the previous version serving when a redeploy never becomes healthy, and shows the log tail', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', files: fastapiApp('good') });
    const port = await freePort();
    const d1 = await env.service.deploy(a.slug, 'local', port, 'no');
    await fs.writeFile(path.join(a.dir, 'backend.py'), 'import sys\nprint("boom: cannot connect to the database", flush=True)\nraise SystemExit(3)\n');
    const err = await failure(env.service.redeploy(d1.id));
    expect(err.message).toMatch(/never became healthy/);
    expect(err.message).toMatch(/previous version is still serving/);
    expect(err.details).toContain('boom: cannot connect to the database');
    const [after] = await env.service.list(a.slug);
    expect(after).toMatchObject({ status: 'unhealthy', containerId: d1.containerId, image: d1.image });
    expect(after!.logTail).toContain('boom');
    expect(JSON.parse((await getText(`http://127.0.0.1:${port}/api/data`)).text).version).toBe('good');
    // Only the serving image is left: the broken one was not kept.
    expect((await engine.docker.listImages({ filters: JSON.stringify({ label: [`kiln.deployment=${d1.id}`] }) })).length).toBe(1);
    await env.service.remove(d1.id);
  }, 240_000);

  it('refuses a port that is taken, names a failing build step, and blocks on the publish review', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', files: fastapiApp('p') });
    const port = await freePort();
    const squatter = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      await expect(env.service.deploy(a.slug, 'local', port, 'no')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/Port \d+ is already taken.*Choose another port/) });
    } finally {
      squatter.close();
    }
    const [failed] = await env.service.list(a.slug);
    expect(failed?.status).toBe('unhealthy');
    await env.service.remove(failed!.id);
    expect(await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: ['kiln.deployment'] }) })).toEqual([]);

    // A base image without Python: the build fails at the RUN step, with its output.
    const tarPath = path.join(env.userData, 'empty.tar');
    await fs.writeFile(tarPath, emptyTar());
    const imp = await engine.docker.importImage(tarPath, { repo: 'kiln-test/no-python', tag: '1' } as object);
    await new Promise((r, j) => engine.docker.modem.followProgress(imp, (e: Error | null) => (e ? j(e) : r(null))));
    await env.service.saveTarget({ kind: 'local', name: 'local', baseImage: 'kiln-test/no-python:1', bindAddress: '127.0.0.1' });
    try {
      const err = await failure(env.service.deploy(a.slug, 'local', await freePort(), 'no'));
      expect(err.code).toBe('EXTERNAL');
      expect(err.message).toMatch(/The image build failed at step \d+\/\d+ : RUN python3 kiln\/install.py/);
      expect(err.details).toMatch(/python3|not found|no such file/i);
    } finally {
      await env.service.saveTarget({ kind: 'local', name: 'local', baseImage: '', bindAddress: '127.0.0.1' });
    }

    // The publish review's blocking checks apply: a secret value inside a bundled file.
    const leak = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', datasources: [PG], files: { ...fastapiApp('leak'), 'static/config.json': `{"pw": "${PG_PASSWORD}"}` } });
    await expect(env.service.deploy(leak.slug, 'local', await freePort(), 'no')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/Deploying is blocked/) });
  }, 240_000);

  it('reconciles with the engine after a restart: a removed container is stopped, a labelled one is adopted', async () => {
    const a = await env.make({ type: 'fullstack-stateless-app', primary: 'static/index.html', files: fastapiApp('r') });
    const port = await freePort();
    const d = await env.service.deploy(a.slug, 'local', port, 'no');
    await engine.docker.getContainer(d.containerId!).remove({ force: true });
    const restarted = env.restart();
    const [gone] = await restarted.list(a.slug);
    expect(gone).toMatchObject({ status: 'stopped', containerId: null, message: expect.stringMatching(/removed outside Kiln/) });

    const d2 = await restarted.redeploy(d.id);
    expect(d2.status).toBe('running');
    await fs.rm(path.join(env.workspace, '.kiln', 'deployments.json'));
    const adopted = await env.restart().list();
    expect(adopted).toMatchObject([{ id: d.id, containerId: d2.containerId, status: 'running', hostPort: port }]);
    await restarted.remove(d.id);
  }, 240_000);

  it('explains a missing engine and an unreachable TLS host, and keeps target credentials in the keychain only', async () => {
    const { DeployService } = await import('./deploy-service');
    const { DeployTargets } = await import('./targets');
    const { DeploymentState } = await import('./deploy-state');
    const targets = new DeployTargets({ file: path.join(env.userData, 'targets-2.json'), secrets: env.keychain });
    const noEngine = new DeployService({
      source: env.publish, vault: { envFor: async () => ({}) }, targets, state: new DeploymentState(() => path.join(env.workspace, '.kiln', 'other.json')),
      scrub: (t) => t, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    await expect(noEngine.testTarget('local')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/No Docker Engine answers at unix:\/\/\/nonexistent\/docker.sock\. Start Docker/) });

    const { cert, key } = selfSignedCert(env.userData);
    const closed = await freePort();
    const t = await noEngine.saveTarget({ name: 'Build box', kind: 'tcp', address: `tcp://127.0.0.1:${closed}`, tlsCert: cert, tlsKey: key, tlsCa: cert });
    expect(t).toMatchObject({ kind: 'tcp', address: `127.0.0.1:${closed}`, credentials: { tlsCert: true, tlsKey: true, tlsCa: true } });
    const onDisk = await fs.readFile(path.join(env.userData, 'targets-2.json'), 'utf8');
    expect(onDisk).not.toContain('PRIVATE KEY');
    expect(await env.keychain.get(deployCredentialAccount(t.id, 'tlsKey'))).toBe(key);
    await expect(noEngine.testTarget(t.id)).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/can't reach the Docker Engine of "Build box" at tcp:\/\/127\.0\.0\.1:\d+\. Check the address/) });
    // A key that is not PEM is named as the problem.
    await noEngine.saveTarget({ id: t.id, name: 'Build box', kind: 'tcp', address: `127.0.0.1:${closed}`, tlsKey: 'not a key' });
    await expect(noEngine.testTarget(t.id)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/TLS certificate or key of "Build box" can't be used/) });
    await expect(noEngine.saveTarget({ name: 'Bad', kind: 'ssh', address: 'no-user-here' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await noEngine.removeTarget(t.id);
    expect(await env.keychain.get(deployCredentialAccount(t.id, 'tlsKey'))).toBeNull();
  }, 60_000);
});

describe('demuxBuffer', () => {
  it('joins Docker log frames and passes plain text through', () => {
    const frame = (kind: number, s: string): Buffer => Buffer.concat([Buffer.from([kind, 0, 0, 0, 0, 0, 0, Buffer.byteLength(s)]), Buffer.from(s)]);
    expect(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
    expect(demuxBuffer(Buffer.from('plain'))).toBe('plain');
  });
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; details?: string }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; message: string; details?: string };
  }
  throw new Error('expected this to fail');
}

/** A throwaway self-signed certificate and key (PEM), made with openssl. */
function selfSignedCert(dir: string): { cert: string; key: string } {
  const keyFile = path.join(dir, 'tls-key.pem');
  const certFile = path.join(dir, 'tls-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** A tar archive holding one empty folder: an image with no Python at all. */
function emptyTar(): Buffer {
  const header = Buffer.alloc(512);
  header.write('etc/', 0);
  header.write('0000755\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write('00000000000\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('5', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, Buffer.alloc(1024)]);
}
