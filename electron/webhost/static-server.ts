import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { mimeFor } from '../services/fs/mime';
import type { WebSession } from './session';

export interface StaticOptions {
  root: string;
  csp: string;
  allowedHosts: () => string[];
  /** Trades the start-up token in `?token=` for the session cookie (session.ts). */
  session?: WebSession;
}

/** Serves the built renderer. Host-checked (DNS rebinding), confined to `root`, SPA fallback. */
export function createStaticHandler(options: StaticOptions) {
  const root = path.resolve(options.root);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = {
      'Content-Security-Policy': options.csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    if (!options.allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: unexpected Host header.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    let query: URLSearchParams;
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      pathname = decodeURIComponent(url.pathname);
      query = url.searchParams;
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (options.session && query.has('token')) {
      // The start-up link: set the cookie once, then the same address without the token.
      const cookie = options.session.exchange(query.get('token'));
      if (!cookie && !options.session.hasCookie(req)) {
        res.writeHead(401, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end('This Kiln link was already used (it works once). Open Kiln from the window where you signed in, or restart Kiln for a new link.');
        return;
      }
      query.delete('token');
      const rest = query.toString();
      res.writeHead(303, { ...headers, Location: `${pathname}${rest ? `?${rest}` : ''}`, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) });
      res.end();
      return;
    }
    let file = path.resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let stat = await fs.stat(file).catch(() => null);
    if (!stat || stat.isDirectory()) {
      // Unknown paths get the app shell; assets that are missing stay 404.
      if (path.extname(pathname) && !pathname.endsWith('.html')) {
        res.writeHead(404, headers).end();
        return;
      }
      file = path.join(root, 'index.html');
      stat = await fs.stat(file).catch(() => null);
      if (!stat) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('The renderer is not built. Run `npm run build`.');
        return;
      }
    }
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeFor(file),
      'Content-Length': stat.size,
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}
