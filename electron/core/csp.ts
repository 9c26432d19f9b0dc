/**
 * The app page's Content-Security-Policy, the same for the Electron window and the web host.
 * Scripts only from the bundle; previews only as frames on loopback preview origins; the app
 * itself may not be framed.
 */
export function appContentSecurityPolicy(options: { connect?: string[] } = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets style attributes (pane widths); no inline <script> is ever allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    'frame-src http://127.0.0.1:* http://localhost:* http://*.localhost:*',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
