import type http from 'node:http';
import { PREVIEW_CSP } from './csp';

/**
 * The preview proxy's rules against other sites, kept out of the server itself:
 * - a backend answers only its own pages (and navigations): a fetch, form post or script
 *   include from another site — or from another artifact, since `*.localhost` origins are
 *   same-site to each other — is refused (`Sec-Fetch-Site`, else `Origin`);
 * - every response carries the baseline CSP plus `frame-ancestors` naming only the app; a
 *   backend's own CSP is added as a further policy (browsers enforce all of them), never
 *   instead of the baseline.
 */

/** Why a request to a backend is refused, as a sentence, or null when it may pass. */
export function backendRequestRefusal(req: http.IncomingMessage): string | null {
  const site = header(req, 'sec-fetch-site');
  const mode = header(req, 'sec-fetch-mode');
  const origin = header(req, 'origin');
  // Loading the page itself (Kiln's pane, Open in browser, a link) is a navigation; its answer goes to the user, not the other site.
  if (mode === 'navigate' && (req.method === 'GET' || req.method === 'HEAD')) return null;
  const own = `http://${String(req.headers.host ?? '').toLowerCase()}`;
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return null;
    return `Requests from other sites (${origin ?? site}) may not reach this app's backend; only its own pages may.`;
  }
  // No fetch metadata (an older browser): the Origin header decides; programs without one pass, as they could reach the port anyway.
  if (origin !== undefined && origin.toLowerCase() !== own) return `Requests from ${origin} may not reach this app's backend; only its own pages may.`;
  return null;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The CSP values for a response: baseline, frame-ancestors, then whatever else was set (a backend's own). */
export function combinedCsp(existing: unknown, frameAncestors: readonly string[]): string[] {
  const others = (Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]).map(String).filter((v) => v && v !== PREVIEW_CSP);
  return [PREVIEW_CSP, `frame-ancestors 'self' ${frameAncestors.join(' ')}`.trim(), ...others];
}

/**
 * Makes every `writeHead` of this response carry the combined CSP, whatever the code path
 * (static file, proxied backend, error page, injected client) passed in.
 */
export function hardenResponse(res: http.ServerResponse, frameAncestors: () => readonly string[]): void {
  const original = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => http.ServerResponse;
  const patched = (status: number, ...rest: unknown[]): http.ServerResponse => {
    const i = typeof rest[0] === 'string' ? 1 : 0;
    const headers = rest[i];
    let existing: unknown = res.getHeader('content-security-policy');
    res.removeHeader('content-security-policy');
    if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
      const h = { ...(headers as http.OutgoingHttpHeaders) };
      for (const k of Object.keys(h)) {
        if (k.toLowerCase() === 'content-security-policy') {
          existing = h[k];
          delete h[k];
        }
      }
      (h as Record<string, http.OutgoingHttpHeader>)['content-security-policy'] = combinedCsp(existing, frameAncestors());
      rest[i] = h;
    } else if (!headers) {
      res.setHeader('content-security-policy', combinedCsp(existing, frameAncestors()));
    }
    return original(status, ...rest);
  };
  res.writeHead = patched as typeof res.writeHead;
}
