import path from 'node:path';
import { comparePathsLikeAnton } from '../../../shared/artifacts/path-order';
import type { BundleEntry } from './bundle-plan';

/**
 * What anton's publisher would put in a static bundle, worked out from the page Kiln already
 * planned. anton reads only the primary page (no `srcset`, no `@import`, no stylesheet walk) and
 * only quoted `src=`/`href=` values and `url(...)` without `:`, `#` or `?`. Kiln ships more, so
 * when anton publishes the same page its md5 differs; comparing against the md5 of anton's
 * selection as well keeps "published, no changes" true for a page anton published.
 */
const ANTON_REF_RES = [
  /(?:src|href)\s*=\s*"([^":#?]+)"/gi,
  /(?:src|href)\s*=\s*'([^':#?]+)'/gi,
  /url\(\s*["']?([^"':#?)]+)["']?\s*\)/gi,
];

const SKIPPED_PREFIXES = ['/', 'http:', 'https:', 'data:', '//'];

/** Names (relative to the page's folder) anton would ship besides `index.html`; null when unsure. */
export function antonRefNames(html: string): Set<string> {
  const names = new Set<string>();
  for (const re of ANTON_REF_RES) {
    for (const m of html.matchAll(re)) {
      const ref = m[1]!.trim();
      if (ref === '' || SKIPPED_PREFIXES.some((p) => ref.startsWith(p))) continue;
      const name = path.posix.normalize(ref);
      if (name === '.' || name === '..' || name.startsWith('../')) continue;
      names.add(name);
    }
  }
  return names;
}

/**
 * Orders a bundle the way anton's zip does: fullstack `backend.py`, `requirements.txt`, then
 * `static/**`; static `index.html` first, then the referenced files. Each group in Python's
 * `sorted(Path)` order.
 */
export function antonOrder(kind: 'static' | 'fullstack', entries: readonly BundleEntry[]): BundleEntry[] {
  const first = kind === 'static' ? ['index.html'] : ['backend.py', 'requirements.txt'];
  const head = first.map((n) => entries.find((e) => e.name === n)).filter((e): e is BundleEntry => e !== undefined);
  const rest = entries.filter((e) => !first.includes(e.name)).sort((a, b) => comparePathsLikeAnton(a.name, b.name));
  return [...head, ...rest];
}

/**
 * anton's selection of a static bundle as entries, when it differs from Kiln's and every file
 * in it is one Kiln would ship too; otherwise null (no second md5 to compare against). A name
 * anton would ship that Kiln left out (a bookkeeping file, a link out of the folder) or that
 * does not exist on disk is simply not comparable.
 */
export async function antonStaticEntries(
  html: string,
  entries: readonly BundleEntry[],
  existing: (name: string) => Promise<boolean>,
): Promise<BundleEntry[] | null> {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const picked: BundleEntry[] = [];
  const index = byName.get('index.html');
  if (!index) return null;
  picked.push(index);
  for (const name of antonRefNames(html)) {
    // anton would add a second `index.html` entry (a page linking itself, say): not comparable.
    if (name === 'index.html') {
      if (await existing(name)) return null;
      continue;
    }
    const entry = byName.get(name);
    if (entry) picked.push(entry);
    else if (await existing(name)) return null;
  }
  if (picked.length === entries.length) return null;
  return antonOrder('static', picked);
}
