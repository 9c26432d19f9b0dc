import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices, type Services } from '../core/services';
import { installCrashGuard } from './crash-guard';
import { nodePlatform } from './node-platform';
import { startWebHost, type WebHost } from './server';

/**
 * The inputs that used to kill the web host — an unparsable upgrade target before auth, bad
 * WebSocket frames, an oversized paste — now close only the connection that sent them; after
 * each one the host still serves its page and answers a contract call.
 */
let dir: string;
let host: WebHost;
let services: Services;
let origin: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-robust-'));
  const rendererDir = path.join(dir, 'renderer');
  await fs.mkdir(rendererDir);
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kiln</title>');
  services = await createServices({ userData: path.join(dir, 'user-data'), workspaceOverride: path.join(dir, 'ws'), platform: nodePlatform() });
  host = await startWebHost({ services, rendererDir, port: 0, log: (l) => logged.push(l) });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await services.shutdown.runAll();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Sends raw bytes and collects what comes back until the server closes the socket. */
function raw(bytes: Buffer | string, after?: (sock: net.Socket, received: Buffer) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    const sock = net.connect(host.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let sentAfter = false;
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (after && !sentAfter && got.includes('\r\n\r\n')) {
        sentAfter = true;
        after(sock, got);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got));
    sock.write(bytes);
    setTimeout(() => sock.destroy(), 5000);
  });
}

function upgradeRequest(target: string): string {
  return [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${host.port}`, `Origin: ${origin}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', '', ''].join('\r\n');
}

/** A client frame; `mask: false` breaks the rule that clients mask. */
function frame(opcode: number, payload: Buffer, opts: { mask?: boolean; claimLength?: number } = {}): Buffer {
  const mask = opts.mask ?? true;
  const len = opts.claimLength ?? payload.length;
  const head: number[] = [0x80 | opcode];
  if (len < 126) head.push((mask ? 0x80 : 0) | len);
  else {
    head.push((mask ? 0x80 : 0) | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  const key = Buffer.from([1, 2, 3, 4]);
  const body = mask ? Buffer.from(payload.map((c, i) => c ^ key[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from(head), mask ? key : Buffer.alloc(0), body]);
}

/** The close code of the server's close frame after the 101 response. */
async function closeCodeAfter(bad: Buffer): Promise<number | null> {
  const got = await raw(upgradeRequest(`/ws?token=${host.token}`), (sock) => sock.write(bad));
  expect(got.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  const frames = got.subarray(got.indexOf('\r\n\r\n') + 4);
  return frames[0] === 0x88 && frames.length >= 4 ? frames.readUInt16BE(2) : null;
}

async function stillServing(): Promise<void> {
  expect((await fetch(`${origin}/`)).status).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: origin } });
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const answer = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)));
  ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'settings.get', input: undefined }));
  expect(((await answer).result as { ok: boolean }).ok).toBe(true);
  ws.close();
}

describe('crash inputs leave the web host serving', () => {
  it('an upgrade request with an unparsable target gets 400 before any auth', async () => {
    const got = await raw(upgradeRequest('http://['));
    expect(got.toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    await stillServing();
  });

  it('an unmasked frame closes that connection with 1002', async () => {
    expect(await closeCodeAfter(frame(0x1, Buffer.from('{}'), { mask: false }))).toBe(1002);
    await stillServing();
  });

  it('a reserved opcode closes that connection with 1002', async () => {
    expect(await closeCodeAfter(frame(0x3, Buffer.from('x')))).toBe(1002);
    await stillServing();
  });

  it('a text frame that is not UTF-8 closes that connection with 1007', async () => {
    expect(await closeCodeAfter(frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])))).toBe(1007);
    await stillServing();
  });

  it('a frame claiming 33 MB closes that connection with 1009 before anything is buffered', async () => {
    expect(await closeCodeAfter(frame(0x1, Buffer.alloc(0), { claimLength: 33 * 1024 * 1024 }))).toBe(1009);
    await stillServing();
    expect(logged.some((l) => l.includes('(too-big)'))).toBe(true);
  });

  it('a real 9 MB paste over a real client is refused on its connection only', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: origin } });
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'chat.send', input: { prompt: 'x'.repeat(9 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    await stillServing();
  });

  it('a reset in the middle of a handshake is not an uncaught error', async () => {
    const sock = net.connect(host.port, '127.0.0.1');
    sock.write(upgradeRequest(`/ws?token=${host.token}`).slice(0, -2));
    await new Promise((r) => setTimeout(r, 50));
    sock.resetAndDestroy();
    await stillServing();
  });
});

describe('the crash guard', () => {
  it('reports an uncaught exception and an unhandled rejection (scrubbed, as a notice) instead of exiting', () => {
    const target = new EventEmitter();
    const lines: string[] = [];
    const notes: string[] = [];
    const dispose = installCrashGuard({ log: (l) => lines.push(l), notify: (m) => notes.push(m), scrub: (t) => t.replace('sk-secret', '[redacted]'), target });
    target.emit('uncaughtException', new Error('watcher blew up with sk-secret'));
    target.emit('unhandledRejection', 'a handler rejected');
    expect(lines[0]).toBe('[kiln] An uncaught exception was kept from stopping the host: watcher blew up with [redacted]');
    expect(lines.join('\n')).not.toContain('sk-secret');
    expect(notes).toEqual(['Kiln caught an unexpected error and kept running: watcher blew up with [redacted]', 'Kiln caught an unexpected error and kept running: a handler rejected']);
    dispose();
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});

/** Runs last in this file: it spends the start-up token the tests above used. */
describe('the start-up token becomes an HttpOnly cookie, once', () => {
  const get = (pathAndQuery: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${origin}${pathAndQuery}`, { redirect: 'manual', headers });
  const wsStatus = (query: string, headers: Record<string, string>): Promise<number> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });

  it('exchanges the link for a cookie, drops the token from the address, and refuses the link a second time', async () => {
    expect((await get('/?token=wrong')).status).toBe(401);
    const first = await get(`/?token=${host.token}&view=gallery`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/?view=gallery');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^kiln_session_${host.port}=[A-Za-z0-9_-]{32}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(cookie).not.toContain(host.token);
    const jar = cookie.split(';')[0]!;

    const again = await get(`/?token=${host.token}`);
    expect(again.status).toBe(401);
    expect(await again.text()).toMatch(/already used/);
    // The same browser (with its cookie) opening the link again is just sent on.
    const withCookie = await get(`/?token=${host.token}`, { cookie: jar });
    expect(withCookie.status).toBe(303);
    expect(withCookie.headers.get('set-cookie')).toBeNull();

    expect(await wsStatus(`?token=${host.token}`, { Origin: origin })).toBe(401);
    expect(await wsStatus('?token=session', { Origin: origin })).toBe(401);
    expect(await wsStatus('?token=session', { Origin: origin, Cookie: `${jar}x` })).toBe(401);
    expect(await wsStatus('?token=session', { Origin: 'http://evil.example', Cookie: jar })).toBe(403);
    expect(await wsStatus('?token=session', { Origin: origin, Cookie: jar })).toBe(101);
  });
});
