import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { AntonTextStream, centralDirectory, encodeName, isAntonTextFile, localHeader, RawDeflater, type WrittenEntry } from './python-zip';


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

export function tooLarge(maxBytes: number): KilnError {
  const exact = maxBytes / (1024 * 1024);
  const mb = exact >= 1 ? String(Math.round(exact)) : exact.toFixed(2);
  return new KilnError(
    'VALIDATION',
    `The bundle is larger than the ${mb} MB limit. Remove large files from the artifact or raise the bundle size limit in Settings → Publishing (publish.maxBundleMB).`,
  );
}

/**
 * Streams a deterministic zip to disk in the order given, laid out byte for byte as anton's
 * publisher (Python `zipfile`) writes it — see `python-zip.ts`. Text files get anton's
 * re-encoding (`\r\n` → `\n`, invalid UTF-8 dropped), so the md5 is the one anton computes for
 * the same files. Memory stays bounded (files are streamed; each header is filled in afterwards,
 * as Python does) and the size limit is enforced while writing, so an oversized bundle stops early.
 */
export async function buildZip(sources: ZipSource[], options: ZipOptions): Promise<ZipResult> {
  // Before anything is made on disk: a cancelled publish leaves no empty temp folder behind.
  if (options.signal?.aborted) throw cancelledError();
  let file = options.outFile;
  let tmpDir: string | null = null;
  if (!file) {
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bundle-'));
    file = path.join(tmpDir, 'bundle.zip');
  }
  const handle = await fs.open(file, 'w+', 0o600);
  try {
    const writer = new ZipWriter(handle, options);
    const total = Math.max(1, sources.length);
    for (let i = 0; i < sources.length; i++) {
      await writer.add(sources[i]!);
      options.onProgress?.((i + 1) / total);
    }
    const result = await writer.finish();
    await handle.close();
    return { file, ...result };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
    else await fs.rm(file, { force: true });
    if (options.signal?.aborted) throw cancelledError();
    if (error instanceof KilnError) throw error;
    throw new KilnError('IO', 'Could not build the bundle zip.', (error as Error).message);
  }
}

function cancelledError(): KilnError {
  return new KilnError('CANCELLED', 'Publishing was cancelled.');
}

/** Appends entries to an open file, tracking offsets, the size limit and the running md5 inputs. */
class ZipWriter {
  private offset = 0;
  private readonly written: WrittenEntry[] = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly options: ZipOptions,
  ) {}

  private async write(buf: Buffer, at?: number): Promise<void> {
    if (this.options.signal?.aborted) throw cancelledError();
    if (at === undefined && this.offset + buf.length > this.options.maxBytes) throw tooLarge(this.options.maxBytes);
    await this.handle.write(buf, 0, buf.length, at ?? this.offset);
    if (at === undefined) this.offset += buf.length;
  }

  async add(source: ZipSource): Promise<void> {
    const { name, flags } = encodeName(source.name);
    const start = this.offset;
    // Placeholder header first; the real one (CRC, sizes) replaces it once the data is written.
    await this.write(localHeader({ name, flags, crc: 0, compressed: 0, size: 0 }));
    let pending: Buffer[] = [];
    let compressed = 0;
    const deflater = new RawDeflater((chunk) => {
      pending.push(chunk);
      compressed += chunk.length;
    });
    const flush = async (): Promise<void> => {
      const out = pending;
      pending = [];
      for (const chunk of out) await this.write(chunk);
    };
    if ('content' in source) {
      deflater.push(Buffer.from(source.content));
    } else {
      const text = isAntonTextFile(path.basename(source.abs)) ? new AntonTextStream() : null;
      // Small chunks: DEFLATE runs on this thread, so the event loop gets a turn every few ms.
      for await (const raw of createReadStream(source.abs, { highWaterMark: 64 * 1024 })) {
        const chunk = raw as Buffer;
        deflater.push(text ? text.push(chunk) : chunk);
        await flush();
      }
      if (text) deflater.push(text.end());
    }
    deflater.finish();
    await flush();
    const entry = { name, flags, crc: deflater.crc, compressed, size: deflater.size, offset: start };
    await this.write(localHeader(entry), start);
    this.written.push(entry);
  }

  async finish(): Promise<{ bytes: number; md5: string }> {
    await this.write(centralDirectory(this.written, this.offset));
    // The md5 is of the finished file (the headers were patched in place).
    const hash = createHash('md5');
    const buf = Buffer.allocUnsafe(256 * 1024);
    for (let at = 0; at < this.offset; ) {
      const { bytesRead } = await this.handle.read(buf, 0, Math.min(buf.length, this.offset - at), at);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    return { bytes: this.offset, md5: hash.digest('hex') };
  }
}

/** Removes a temp zip made by `buildZip` (and its private folder). */
export async function removeZip(file: string): Promise<void> {
  const dir = path.dirname(file);
  if (path.basename(dir).startsWith('kiln-bundle-')) await fs.rm(dir, { recursive: true, force: true });
  else await fs.rm(file, { force: true });
}
