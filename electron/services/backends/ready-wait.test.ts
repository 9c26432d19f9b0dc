import { spawn, type ChildProcess } from 'node:child_process';
import getPort from 'get-port';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv } from '../process/child-env';
import { FAST_POLL_MS, FAST_WINDOW_MS, pollDelay, SLOW_POLL_MS, waitUntilReady } from './ready-wait';

/** A real Python process: `code` with PORT set; its output is piped like the supervisor's. */
function python(code: string, port: number): { child: ChildProcess; exit: Promise<void>; exited: () => boolean } {
  const child = spawn('/usr/bin/python3', ['-c', code], { env: { ...childEnv({ python: true }), PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let done = false;
  const exit = new Promise<void>((r) => child.once('exit', () => r(void (done = true))));
  return { child, exit, exited: () => done };
}

const SERVER = `
import http.server, os, sys, time
time.sleep(0.3)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == '/api/health' else 404); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H)
print('serving', flush=True)
s.serve_forever()
`;

describe('waitUntilReady', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('is ready once a real server answers on its port', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const p = python(SERVER, port);
    children.push(p.child);
    const outcome = await waitUntilReady({ port, timeoutMs: 20_000, exited: p.exited, exit: p.exit, output: [p.child.stdout, p.child.stderr] });
    expect(outcome).toBe('ready');
    expect(p.exited()).toBe(false);
  });

  it('says "exited" as soon as the process dies, long before the timeout', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const p = python('import sys; print("Traceback: boom", file=sys.stderr); sys.exit(3)', port);
    children.push(p.child);
    const t0 = Date.now();
    expect(await waitUntilReady({ port, timeoutMs: 20_000, exited: p.exited, exit: p.exit, output: [p.child.stdout, p.child.stderr] })).toBe('exited');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('times out for a process that never listens', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const p = python('import time; print("starting", flush=True); time.sleep(30)', port);
    children.push(p.child);
    expect(await waitUntilReady({ port, timeoutMs: 400, exited: p.exited, exit: p.exit, output: [p.child.stdout] })).toBe('timeout');
    expect(p.child.stdout!.listenerCount('data')).toBe(0); // its listeners are gone
  });

  it('tries every 5 ms while the process is young, every 20 ms after 2 s', () => {
    expect(pollDelay(0)).toBe(FAST_POLL_MS);
    expect(pollDelay(FAST_WINDOW_MS - 1)).toBe(5);
    expect(pollDelay(FAST_WINDOW_MS)).toBe(SLOW_POLL_MS);
  });
});
