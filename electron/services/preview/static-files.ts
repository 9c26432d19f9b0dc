import { promises as fs } from 'node:fs';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.avif': 'image/avif',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

export function mimeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Top-level files that belong to Kiln/anton bookkeeping, never to the page. */
const HIDDEN_TOP_LEVEL = new Set(['metadata.json', '.published.json', 'backend.log', 'readme.md']);

/**
 * Maps a URL path to a file inside `root`, or null when the path is hidden, escapes the
 * folder (`..`, encoded slashes, symlinks pointing out) or is not a regular file.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p === '.' || p.startsWith('.'))) return null;
  if (parts.length === 1 && HIDDEN_TOP_LEVEL.has(parts[0]!.toLowerCase())) return null;
  const candidate = path.join(root, ...parts);
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(candidate);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
    const stat = await fs.stat(real);
    if (stat.isDirectory()) {
      const index = path.join(real, 'index.html');
      const s2 = await fs.stat(index).catch(() => null);
      return s2?.isFile() ? index : null;
    }
    return stat.isFile() ? real : null;
  } catch {
    return null;
  }
}
