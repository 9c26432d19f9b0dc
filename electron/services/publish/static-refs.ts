/**
 * Finds the relative files an HTML page (or a stylesheet) references through `src=`,
 * `href=` or CSS `url(...)`, the way anton decides what a static bundle ships
 * (anton-format.md §5.2). Absolute, protocol-relative, `data:`, `http(s):`, `/`-rooted,
 * fragment-only and other scheme URLs are left out: they are not files of the artifact.
 */

const ATTR_RE = /\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const CSS_URL_RE = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]+))\s*\)/gi;
const SRCSET_RE = /\bsrcset\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

export function isRelativeFileRef(ref: string): boolean {
  const r = ref.trim();
  if (r === '' || r.startsWith('#') || r.startsWith('/') || r.startsWith('\\')) return false;
  // Any scheme (http:, https:, data:, mailto:, javascript:, blob:) is not a local file.
  if (/^[a-z][a-z0-9+.-]*:/i.test(r)) return false;
  if (r.includes('{{') || r.includes('${')) return false;
  return true;
}

/** Strips query and fragment and decodes percent-escapes; null when the ref is unusable. */
export function refToPath(ref: string): string | null {
  const bare = ref.trim().split('#')[0]!.split('?')[0]!;
  if (bare === '') return null;
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

function collect(re: RegExp, text: string, out: Set<string>): void {
  for (const m of text.matchAll(re)) {
    const ref = m[1] ?? m[2] ?? m[3] ?? '';
    if (isRelativeFileRef(ref)) {
      const p = refToPath(ref);
      if (p) out.add(p);
    }
  }
}

export function htmlRefs(html: string): string[] {
  const out = new Set<string>();
  collect(ATTR_RE, html, out);
  collect(CSS_URL_RE, html, out);
  for (const m of html.matchAll(SRCSET_RE)) {
    for (const part of (m[1] ?? m[2] ?? '').split(',')) {
      const ref = part.trim().split(/\s+/)[0] ?? '';
      if (isRelativeFileRef(ref)) {
        const p = refToPath(ref);
        if (p) out.add(p);
      }
    }
  }
  return [...out];
}

export function cssRefs(css: string): string[] {
  const out = new Set<string>();
  collect(CSS_URL_RE, css, out);
  // @import "x.css" without url()
  for (const m of css.matchAll(/@import\s+(?:"([^"]+)"|'([^']+)')/gi)) {
    const ref = m[1] ?? m[2] ?? '';
    if (isRelativeFileRef(ref)) {
      const p = refToPath(ref);
      if (p) out.add(p);
    }
  }
  return [...out];
}
