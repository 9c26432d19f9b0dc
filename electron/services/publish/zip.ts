import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { KilnError } from '../../../shared/contract/core';

/** Every entry carries this date, so the same content always gives the same bytes. */
export const FIXED_ZIP_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

export type ZipSource = { name: string; abs: string } | { name: string; content: string | Buffer };

export interface ZipResult {
  file: string;
  bytes: number;
  md5: string;
}

export interface ZipOptions {
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** Fraction of entries written so far. */
  onProgress?: (fraction: number) => void;
  /** Where to write; default a fresh temp file (the caller removes it with `removeZip`). */
  outFile?: string;
}

class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash('md5');
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      cb(tooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

export function tooLarge(maxBytes: number): KilnError {
  const exact = maxBytes / (1024 * 1024);
  const mb = exact >= 1 ? String(Math.round(exact)) : exact.toFixed(2);
  return new KilnError(
    'VALIDATION',
    `The bundle is larger than the ${mb} MB limit. Remove large files from the artifact or raise the bundle size limit in Settings → Publishing (publish.maxBundleMB).`,
  );
}

/**
 * Streams a deterministic zip to disk: entries in byte order, fixed 1980-01-01 dates, fixed
 * modes, DEFLATE. Memory stays bounded (files are streamed) and the size limit is enforced
 * while writing, so an oversized bundle stops early.
 */
export async function buildZip(sources: ZipSource[], options: ZipOptions): Promise<ZipResult> {
  const sorted = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Before anything is made on disk: a cancelled publish leaves no empty temp folder behind.
  if (options.signal?.aborted) throw new KilnError('CANCELLED', 'Publishing was cancelled.');
  let file = options.outFile;
  let tmpDir: string | null = null;
  if (!file) {
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bundle-'));
    file = path.join(tmpDir, 'bundle.zip');
  }
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const meter = new Meter(options.maxBytes);
  const total = Math.max(1, sorted.length);
  archive.on('progress', (p) => options.onProgress?.(Math.min(1, p.entries.processed / total)));
  const onAbort = (): void => {
    archive.abort();
    meter.destroy(new KilnError('CANCELLED', 'Publishing was cancelled.'));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = pipeline(archive, meter, createWriteStream(file, { mode: 0o600 }));
  try {
    for (const s of sorted) {
      const source = 'abs' in s ? createReadStream(s.abs) : Buffer.from(s.content);
      archive.append(source, { name: s.name, date: FIXED_ZIP_DATE, mode: 0o644 });
    }
    void archive.finalize().catch(() => undefined);
    await done;
  } catch (error) {
    archive.abort();
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
    else await fs.rm(file, { force: true });
    if (options.signal?.aborted) throw new KilnError('CANCELLED', 'Publishing was cancelled.');
    if (error instanceof KilnError) throw error;
    throw new KilnError('IO', 'Could not build the bundle zip.', (error as Error).message);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return { file, bytes: meter.bytes, md5: meter.hash.digest('hex') };
}

/** Removes a temp zip made by `buildZip` (and its private folder). */
export async function removeZip(file: string): Promise<void> {
  const dir = path.dirname(file);
  if (path.basename(dir).startsWith('kiln-bundle-')) await fs.rm(dir, { recursive: true, force: true });
  else await fs.rm(file, { force: true });
}
