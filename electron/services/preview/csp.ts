/**
 * The Content-Security-Policy every preview response carries (unless a backend sets its
 * own). Pages may load scripts/styles/images from the web (dashboards use CDNs) but may only
 * *connect* to their own origin or to https/wss hosts: a plain-http or ws:// request to
 * another loopback port (Kiln's web host, another artifact, a raw backend port) is refused by
 * the browser before it leaves the page.
 */
export const PREVIEW_CSP = [
  "default-src 'self' data: blob: https:",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob: https:",
  "style-src 'self' 'unsafe-inline' data: https:",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data: https:",
  "media-src 'self' data: blob: https:",
  "connect-src 'self' https: wss:",
  "frame-src 'self' data: blob: https:",
  "worker-src 'self' blob:",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');
