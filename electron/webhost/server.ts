import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appContentSecurityPolicy } from '../core/csp';
import type { Services } from '../core/services';
import { createAppRouter } from '../ipc/app-router';
import { attachWsTransport } from '../ipc/ws-transport';
import { createStaticHandler } from './static-server';
import { WebSession } from './session';

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface WebHostOptions {
  services: Services;
  rendererDir: string;
  port: number;
  /** For tests: a fixed token instead of a random one. */
  token?: string;
  /** Where internal errors are written besides the notices (default: stderr). */
  log?: (line: string) => void;
}

/**
 * The web host: the same services and router as the Electron app, served to a browser over
 * loopback HTTP + WebSocket. Bound to 127.0.0.1 only.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const session = new WebSession(token, () => port);
  const serveStatic = createStaticHandler({
    root: options.rendererDir,
    csp: appContentSecurityPolicy(),
    allowedHosts,
    session,
  });
  const server = http.createServer((req, res) => {
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is already in use. Pick another with --port, or leave it out to use a free one.`)
          : e,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  // Previews may be framed by this app only (frame-ancestors).
  services.preview.allowFramingBy(allowedOrigins());
  // A console is always there to read: the web host runs from a terminal.
  const router = createAppRouter(services, { packaged: false, ...(options.log ? { log: options.log } : {}) });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ws = attachWsTransport({
    server,
    router,
    events: services.events,
    token,
    allowedHosts,
    allowedOrigins,
    authorize: (req, given) => session.authorize(req, given),
    onConnectionError: (reason, message) => log(`[kiln] closed a WebSocket connection (${reason}): ${message}`),
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return closing;
  };
  services.shutdown.register('web host server', close);

  return { url: `http://127.0.0.1:${port}/?token=${token}`, port, token, close };
}
