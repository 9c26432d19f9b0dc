import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { isFullstackType } from '../../../shared/artifacts/rules';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';
import { PREVIEW_CSP } from './csp';
import { hostLabelFor, parsePreviewHost } from './host-label';
import { backendRequestRefusal, hardenResponse } from './guard';
import { forwardHeaders, relayWithClient, sendStaticWithClient, serveClientAsset } from './reload-client';
import { mimeFor, resolveStaticFile, type PreviewFiles } from './static-files';

/** What the preview needs from the artifact store (a narrow view of it; the store satisfies it). */
export interface PreviewArtifacts {
  /** Absolute folder of an existing artifact; throws for an unknown or unsafe slug. */
  dir(slug: string): Promise<string>;
  /** The record as stored: read on every request, so it never walks the folder or writes. */
  read(slug: string): Promise<{ type: string; primary: string | null }>;
  /** Every artifact, to map a hashed host label back to its folder after a restart. */
  list(): Promise<{ slug: string }[]>;
  /** The one door to the artifact's files. */
  files: PreviewFiles;
}

export interface PreviewOptions {
  artifacts: PreviewArtifacts;
  /** The loopback port the artifact's backend listens on, or null when it is not running. */
  backendPort?: (slug: string) => number | null;
  /** Told about every request to an artifact's origin (the backends' idle timer listens). */
  onTraffic?: (slug: string) => void;
  /** Remembers the proxy port across restarts so artifact origins (and their storage) stay put. */
  stateFile?: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function securityHeaders(extra: http.OutgoingHttpHeaders = {}): http.OutgoingHttpHeaders {
  return {
    'content-security-policy': PREVIEW_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    ...extra,
  };
}

function sendPage(res: http.ServerResponse, status: number, title: string, text: string): void {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>` +
    `<body style="font:14px system-ui;padding:2em;color:#555"><h1 style="font-size:16px">${esc(title)}</h1><p>${esc(text)}</p></body>`;
  res.writeHead(status, securityHeaders({ 'content-type': 'text/html; charset=utf-8' }));
  res.end(body);
}

/**
 * Kiln's loopback preview proxy. Every artifact is served on its own origin,
 * `http://<label>.localhost:<port>`: static artifacts straight from their folder, fullstack
 * ones forwarded (HTTP and WebSocket) to their backend. Requests whose Host is not one of
 * those origins are refused, which defeats DNS rebinding.
 */
export class PreviewServer {
  private server: http.Server | null = null;
  private starting: Promise<number> | null = null;
  private port = 0;
  private readonly labels = new Map<string, string>();
  private readonly sockets = new Set<net.Socket>();
  private backendPort: (slug: string) => number | null;
  private onTraffic: (slug: string) => void;

  constructor(private readonly options: PreviewOptions) {
    this.backendPort = options.backendPort ?? (() => null);
    this.onTraffic = options.onTraffic ?? (() => undefined);
  }

  /** Origins allowed to frame previews (`frame-ancestors`): the app only; the web host adds its own. */
  private framers: string[] = ['app://kiln'];

  allowFramingBy(origins: readonly string[]): void {
    this.framers = ['app://kiln', ...origins];
  }

  /** The backends service plugs in here (it is built after the preview). */
  connectBackends(backendPort: (slug: string) => number | null, onTraffic: (slug: string) => void): void {
    this.backendPort = backendPort;
    this.onTraffic = onTraffic;
  }

  /** Starts listening (once) and returns the port. */
  start(): Promise<number> {
    if (!this.starting) {
      this.starting = this.listen().catch((e: unknown) => {
        this.starting = null;
        throw e;
      });
    }
    return this.starting;
  }

  /** The preview address of an artifact; starts the proxy on first use. */
  async urlFor(slug: string): Promise<string> {
    await this.options.artifacts.dir(slug); // refuses unknown slugs and folders linked outside
    const port = await this.start();
    const label = hostLabelFor(slug);
    this.labels.set(label, slug);
    return `http://${label}.localhost:${port}/`;
  }

  /** The origin (no trailing slash) an artifact's pages run on, for checks and tests. */
  async originFor(slug: string): Promise<string> {
    return (await this.urlFor(slug)).replace(/\/$/, '');
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.starting = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<number> {
    const preferred = await this.readPreferredPort();
    const server = http.createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) sendPage(res, 500, 'Preview failed', 'Kiln could not serve this page.');
        else res.destroy();
      });
    });
    server.on('upgrade', (req, socket, head) => {
      void this.handleUpgrade(req, socket as net.Socket, head).catch(() => socket.destroy());
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    const bind = (port: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const onError = (e: Error): void => reject(e);
        server.once('error', onError);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', onError);
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      });
    let port: number;
    try {
      port = await bind(preferred ?? 0);
    } catch {
      port = await bind(0);
    }
    this.server = server;
    this.port = port;
    await this.writePreferredPort(port);
    return port;
  }

  private async readPreferredPort(): Promise<number | null> {
    if (!this.options.stateFile) return null;
    try {
      const data = JSON.parse(await fs.readFile(this.options.stateFile, 'utf8')) as { port?: unknown };
      return typeof data.port === 'number' && Number.isInteger(data.port) && data.port > 1024 && data.port < 65536 ? data.port : null;
    } catch {
      return null;
    }
  }

  private async writePreferredPort(port: number): Promise<void> {
    if (!this.options.stateFile) return;
    try {
      await writeStateFile(this.options.stateFile, toPrettyJson({ port }));
    } catch {
      // Only a convenience: origins then change on the next start.
    }
  }

  /** Host header → artifact slug, or null when the host is not one of our origins. */
  private async slugForHost(host: string | undefined): Promise<string | null> {
    const label = parsePreviewHost(host, this.port);
    if (!label) return null;
    const known = this.labels.get(label);
    if (known) return known;
    // After a restart an iframe may reload before the UI asked again: find the artifact
    // whose label this is (a plain slug is its own label; others are hashed).
    const items = await this.options.artifacts.list().catch(() => []);
    for (const { slug } of items) this.labels.set(hostLabelFor(slug), slug);
    return this.labels.get(label) ?? null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const slug = await this.slugForHost(req.headers.host);
    if (!slug) {
      sendPage(res, 421, 'Unknown preview address', 'This address is not a Kiln preview. Open the artifact from Kiln again.');
      return;
    }
    hardenResponse(res, () => this.framers); // baseline CSP + frame-ancestors on every answer (guard.ts)
    // The folder through the store's confinement (one linked outside the artifacts folder is not
    // served) and the record, read side by side: both are on every request's path (a live restart's page load).
    const [inside, record] = await Promise.all([
      this.options.artifacts.dir(slug).then(() => true, () => false),
      this.options.artifacts.read(slug).then((r) => r, () => null),
    ]);
    if (!inside) {
      sendPage(res, 404, 'Artifact not available', 'This artifact folder is a link to a place outside the workspace; Kiln does not serve it.');
      return;
    }
    this.onTraffic(slug);
    if (serveClientAsset(req, res, securityHeaders)) return; // live reload + thumbnails (reload-client.ts)
    if (!record) {
      sendPage(res, 404, 'Artifact not found', 'This artifact no longer exists or its metadata cannot be read.');
      return;
    }
    if (isFullstackType(record.type)) {
      const port = this.backendPort(slug);
      if (!port) {
        sendPage(res, 503, 'Backend not running', "This app's backend is not running. Start it from Kiln, then reload.");
        return;
      }
      const refusal = backendRequestRefusal(req);
      if (refusal) return sendPage(res, 403, 'Refused', refusal);
      this.forward(req, res, port);
      return;
    }
    await this.serveStatic(req, res, slug, record.primary);
  }

  private async serveStatic(req: http.IncomingMessage, res: http.ServerResponse, slug: string, primary: string | null): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders({ allow: 'GET, HEAD' }));
      res.end();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const target = pathname === '/' ? `/${primary ?? 'index.html'}` : pathname;
    const file = await resolveStaticFile(this.options.artifacts.files, slug, target);
    if (!file) {
      sendPage(res, 404, 'Not found', 'That file is not part of this artifact.');
      return;
    }
    if (await sendStaticWithClient(req, res, { ...file, mime: mimeFor(file.path) }, securityHeaders)) return;
    res.writeHead(200, securityHeaders({ 'content-type': mimeFor(file.path), 'content-length': file.bytes }));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file.abs).on('error', () => res.destroy()).pipe(res);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, port: number): void {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    }
    const withClient = forwardHeaders(req, headers);
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers },
      (up) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) {
          if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
        }
        // The backend's own headers (caching) win; its CSP is added to the baseline (guard.ts).
        if (withClient) relayWithClient(up, res, up.statusCode ?? 502, securityHeaders(out));
        else {
          res.writeHead(up.statusCode ?? 502, securityHeaders(out));
          up.pipe(res);
        }
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) sendPage(res, 502, 'Backend did not answer', 'The backend is not answering. Check its logs in Kiln, or restart it.');
      else res.destroy();
    });
    req.pipe(upstream);
  }

  private async handleUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    const slug = await this.slugForHost(req.headers.host);
    if (!slug) return refuse('421 Misdirected Request');
    // Only the artifact's own pages may open a socket to its backend.
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${String(req.headers.host).toLowerCase()}`) {
      return refuse('403 Forbidden');
    }
    const port = this.backendPort(slug);
    if (!port) return refuse('503 Service Unavailable');
    this.onTraffic(slug);
    const upstream = net.connect(port, '127.0.0.1', () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  }
}
