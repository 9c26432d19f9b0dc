import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import { CLIENT_SCRIPT } from './client-script';
import { OPEN_FORWARD_SCRIPT } from './open-forward';

/**
 * Live reload and thumbnails inside the preview: the proxy adds one `<script>` tag to the HTML
 * of page navigations it serves (static files and backend answers alike) and serves the two
 * scripts under `/__kiln/`. Files on disk and published bundles never contain it; a fetch/XHR
 * for HTML (htmx fragments) or a request without browser fetch metadata gets the bytes as they are.
 */
export const CLIENT_PATH = '/__kiln/preview-client.js';
export const CAPTURE_PATH = '/__kiln/html-to-image.js';
/**
 * The tag, `async` and content-versioned: the page's own scripts (e.g. its first fetch) never
 * wait for the client, and a reload takes it from the browser's cache (served `immutable` under
 * this URL) — on a live restart a blocking, uncached client cost a full round trip before the
 * page could ask the new backend anything (bench/live-preview.ts).
 */
export const CLIENT_URL = `${CLIENT_PATH}?v=${createHash('sha256').update(CLIENT_SCRIPT + OPEN_FORWARD_SCRIPT).digest('hex').slice(0, 12)}`;
export const CLIENT_TAG = `<script src="${CLIENT_URL}" async></script>`;
const TAG = Buffer.from(CLIENT_TAG);
/** HTML larger than this is passed through untouched (no live reload for it, never a stall). */
export const MAX_INJECT_BYTES = 5 * 1024 * 1024;

let captureScript: Buffer | null | undefined;
function loadCaptureScript(): Buffer | null {
  if (captureScript === undefined) {
    try {
      captureScript = readFileSync(createRequire(import.meta.url).resolve('html-to-image/dist/html-to-image.js'));
    } catch {
      captureScript = null; // thumbnails then fall back to the type icon
    }
  }
  return captureScript;
}

/** The two scripts, or null when the path is not one of them. */
export function clientAsset(pathname: string): Buffer | null {
  if (pathname === CLIENT_PATH) return Buffer.from(CLIENT_SCRIPT + OPEN_FORWARD_SCRIPT);
  if (pathname === CAPTURE_PATH) return loadCaptureScript();
  return null;
}

/** Serves `/__kiln/*` on every artifact origin; true when it answered. */
export function serveClientAsset(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  headers: (extra: http.OutgoingHttpHeaders) => http.OutgoingHttpHeaders,
): boolean {
  const pathname = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
  if (!pathname.startsWith('/__kiln/')) return false;
  const body = req.method === 'GET' || req.method === 'HEAD' ? clientAsset(pathname) : null;
  if (!body) {
    res.writeHead(404, headers({ 'content-type': 'text/plain; charset=utf-8' }));
    res.end('Not found');
    return true;
  }
  const versioned = pathname === CLIENT_PATH && req.url === CLIENT_URL;
  const cache = versioned ? { 'cache-control': 'max-age=31536000, immutable' } : {};
  res.writeHead(200, headers({ 'content-type': 'text/javascript; charset=utf-8', 'content-length': body.length, ...cache }));
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** A browser loading a page into a frame or tab (not a fetch, not curl). */
export function isPageNavigation(req: http.IncomingMessage): boolean {
  const dest = req.headers['sec-fetch-dest'];
  return req.method === 'GET' && (dest === 'iframe' || dest === 'document' || dest === 'frame');
}

const isHtmlType = (contentType: string | string[] | undefined): boolean =>
  typeof contentType === 'string' && /^\s*text\/html\b/i.test(contentType);

/**
 * The HTML with the client tag added after `<head>` (or `<html>`, or the doctype — never
 * before it, which would switch the page to quirks mode), else at the very start.
 */
export function injectClient(html: Buffer): Buffer {
  const head = html.subarray(0, Math.min(html.length, 64 * 1024)).toString('latin1');
  let at = 0;
  for (const re of [/<head(\s[^>]*)?>/i, /<html(\s[^>]*)?>/i, /<!doctype[^>]*>/i]) {
    const m = re.exec(head);
    if (m) {
      at = m.index + m[0].length;
      break;
    }
  }
  return Buffer.concat([html.subarray(0, at), TAG, html.subarray(at)]);
}

/** Sends a static HTML file with the client added; false when it should be streamed as is. */
export async function sendStaticWithClient(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: { abs: string; bytes: number; mime: string },
  headers: (extra: http.OutgoingHttpHeaders) => http.OutgoingHttpHeaders,
): Promise<boolean> {
  if (!isPageNavigation(req) || !isHtmlType(file.mime) || file.bytes > MAX_INJECT_BYTES) return false;
  const body = injectClient(await fs.readFile(file.abs));
  res.writeHead(200, headers({ 'content-type': file.mime, 'content-length': body.length }));
  res.end(body);
  return true;
}

/** Request headers for a backend: a page navigation asks for uncompressed bytes so the tag can go in. */
export function forwardHeaders(req: http.IncomingMessage, headers: http.OutgoingHttpHeaders): boolean {
  if (!isPageNavigation(req)) return false;
  headers['accept-encoding'] = 'identity';
  return true;
}

/**
 * Relays a backend's answer to a page navigation, adding the client to an uncompressed HTML
 * body of up to 5 MB; anything else (or a larger body) is streamed through unchanged.
 */
export function relayWithClient(up: http.IncomingMessage, res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders): void {
  const encoded = up.headers['content-encoding'] && up.headers['content-encoding'] !== 'identity';
  if (!isHtmlType(up.headers['content-type']) || encoded || status < 200 || status >= 300) {
    res.writeHead(status, headers);
    up.pipe(res);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let passing = false;
  up.on('data', (c: Buffer) => {
    if (passing) return;
    chunks.push(c);
    size += c.length;
    if (size > MAX_INJECT_BYTES) {
      // Too big to hold: send what we have and stream the rest untouched.
      passing = true;
      res.writeHead(status, headers);
      for (const b of chunks) res.write(b);
      up.pipe(res);
    }
  });
  up.on('end', () => {
    if (passing) return;
    const body = injectClient(Buffer.concat(chunks));
    const out = { ...headers, 'content-length': body.length };
    delete out['transfer-encoding'];
    res.writeHead(status, out);
    res.end(body);
  });
}
