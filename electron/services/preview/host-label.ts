import { createHash } from 'node:crypto';

/**
 * Each artifact gets its own origin `http://<label>.localhost:<port>`. The label is the
 * slug itself when the slug is already a valid DNS label (the usual anton slug), otherwise a
 * stable hash, so the origin (and its storage) survives restarts of Kiln.
 */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function hostLabelFor(slug: string): string {
  if (DNS_LABEL.test(slug) && !slug.startsWith('h--')) return slug;
  return `h--${createHash('sha256').update(slug).digest('hex').slice(0, 20)}`;
}

/** Parses a Host header of the form `<label>.localhost:<port>`; null for anything else. */
export function parsePreviewHost(host: string | undefined, port: number): string | null {
  if (!host) return null;
  const lower = host.toLowerCase();
  const suffix = `.localhost:${port}`;
  if (!lower.endsWith(suffix)) return null;
  const label = lower.slice(0, -suffix.length);
  return DNS_LABEL.test(label) ? label : null;
}
