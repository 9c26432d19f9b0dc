import { createWriteStream, promises as fs, renameSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { BACKEND_LOG_FILE } from '../../../shared/artifacts/rules';
import { notRegularError, openAppendRegularSync, safeReadTail } from '../fs/safe-read';

export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;
const BUFFER_LINES = 2000;

/**
 * One artifact's `backend.log` plus an in-memory buffer of recent lines for the UI. Text is
 * scrubbed before it is stored anywhere, so no secret value lands on disk or in an event.
 * The file rolls over to `backend.log.1` at 5 MB.
 */
export class LogSink {
  private stream: WriteStream | null = null;
  private size = 0;
  private readonly lines: string[] = [];
  private partial = new Map<string, string>();
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly scrub: (t: string) => string,
    private readonly onLines: (lines: string[]) => void,
    private readonly rotateBytes = LOG_ROTATE_BYTES,
  ) {}

  /** Throws a typed error when backend.log is a FIFO, a link or anything but a plain file. */
  async open(): Promise<void> {
    const stat = await fs.lstat(this.file).catch(() => null);
    if (stat && !stat.isFile()) throw notRegularError(BACKEND_LOG_FILE, stat);
    this.size = stat?.size ?? 0;
    if (this.size >= this.rotateBytes) await this.rotate();
    this.stream = this.openStream();
  }

  /** Opened synchronously so the file exists at once (rotation renames it right away); never blocks on a FIFO. */
  private openStream(): WriteStream | null {
    try {
      const stream = createWriteStream(this.file, { fd: openAppendRegularSync(this.file, BACKEND_LOG_FILE) });
      // A full disk must not take the backend down; the UI buffer keeps working.
      stream.on('error', () => (this.stream = null));
      return stream;
    } catch {
      return null;
    }
  }

  /** Raw output of one stream (stdout/stderr); split into whole lines. */
  write(streamName: string, chunk: Buffer | string): void {
    const text = (this.partial.get(streamName) ?? '') + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial.set(streamName, parts.pop() ?? '');
    for (const p of parts) this.line(p);
  }

  /** A line from Kiln itself (launch, stop, pip), marked so it stands out from the app's. */
  note(text: string): void {
    for (const l of text.split(/\r?\n/)) this.line(`[kiln] ${l}`);
  }

  tail(n: number): string[] {
    return this.lines.slice(-n);
  }

  private line(raw: string): void {
    const clean = this.scrub(raw);
    this.lines.push(clean);
    if (this.lines.length > BUFFER_LINES) this.lines.splice(0, this.lines.length - BUFFER_LINES);
    this.append(`${clean}\n`);
    this.pending.push(clean);
    if (!this.flushTimer) {
      // Batches bursts of output into one event instead of one per line.
      this.flushTimer = setTimeout(() => this.flush(), 50);
    }
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [k, v] of this.partial) {
      if (v) {
        this.partial.set(k, '');
        this.line(v);
      }
    }
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.onLines(batch);
  }

  private append(text: string): void {
    if (!this.stream) return;
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.rotateBytes) {
      // Renaming an open file is fine on POSIX: the old stream's pending writes land in .1.
      this.stream.end();
      try {
        renameSync(this.file, `${this.file}.1`);
      } catch {
        // Windows cannot rename an open file; keep appending rather than lose lines.
      }
      this.stream = this.openStream();
      this.size = 0;
      if (!this.stream) return;
    }
    this.size += bytes;
    this.stream.write(text);
  }

  private async rotate(): Promise<void> {
    await fs.rename(this.file, `${this.file}.1`).catch(() => undefined);
    this.size = 0;
  }

  async close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = null;
    if (s) await new Promise<void>((r) => s.end(() => r()));
  }
}

/** The last `n` lines of a log file on disk (for a backend that is not running now). */
export async function readLogTail(file: string, n: number): Promise<string[]> {
  try {
    const buf = await safeReadTail(file, 256 * 1024, BACKEND_LOG_FILE);
    const lines = buf.toString('utf8').split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n);
  } catch {
    return [];
  }
}

export function backendLogPath(artifactDir: string): string {
  return path.join(artifactDir, BACKEND_LOG_FILE);
}
