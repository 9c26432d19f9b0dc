import http from 'node:http';
import net from 'node:net';
import os from 'node:os';

export type Probe = 'health' | 'root' | 'tcp';

export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Resolves with the HTTP status, or null when no HTTP answer came. */
function httpStatus(port: number, urlPath: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(null);
    });
    req.on('error', () => resolve(null));
  });
}

/**
 * One readiness check: `/api/health` when the app answers it, else `/` (any HTTP answer),
 * else an open TCP port as a last resort. Returns how it was proven, or null (not yet).
 */
export async function probeOnce(port: number): Promise<Probe | null> {
  if (!(await tcpOpen('127.0.0.1', port))) return null;
  return probeHttp(port);
}

/** The HTTP half of `probeOnce`, for a port already known to accept connections. */
export async function probeHttp(port: number): Promise<Probe> {
  const health = await httpStatus(port, '/api/health', 2000);
  if (health !== null && health >= 200 && health < 400) return 'health';
  if (health !== null) {
    const root = await httpStatus(port, '/', 2000);
    return root !== null ? 'root' : 'tcp';
  }
  return 'tcp';
}

/**
 * True when the port is also reachable on a non-loopback address of this machine, i.e.
 * the backend bound 0.0.0.0 (or ::) and is visible to the network.
 */
export async function reachableFromNetwork(port: number): Promise<boolean> {
  const addrs = Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && a.family === 'IPv4')
    .map((a) => a.address);
  for (const a of addrs.slice(0, 3)) {
    if (await tcpOpen(a, port, 300)) return true;
  }
  return false;
}
