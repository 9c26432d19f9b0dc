import { createReadStream } from 'node:fs';
import type { PreflightProblem } from '../../../shared/contract/publish';

const isWordByte = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

interface Needle {
  name: string;
  bytes: Buffer;
}

const MAX_HITS_PER_SECRET = 5;

/**
 * Streams one file and returns where each needle occurs on its own (no word byte right before
 * or after), as 1-based lines. Memory stays bounded: a window of one chunk plus a carry of the
 * longest needle, so a hit across a chunk boundary is still found, exactly once.
 */
export async function scanFile(file: string, needles: Needle[], chunkSize = 64 * 1024): Promise<Map<string, number[]>> {
  const hits = new Map<string, number[]>();
  if (needles.length === 0) return hits;
  const keep = Math.max(...needles.map((n) => n.bytes.length)) + 1;
  let carry = Buffer.alloc(0);
  let linesBefore = 0;
  const process = (chunk: Buffer, eof: boolean): void => {
    const window = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    for (const needle of needles) {
      const found = hits.get(needle.name) ?? [];
      if (found.length >= MAX_HITS_PER_SECRET) continue;
      for (let p = window.indexOf(needle.bytes); p >= 0; p = window.indexOf(needle.bytes, p + 1)) {
        const end = p + needle.bytes.length;
        // Hits ending inside the old carry were judged in the previous window; a hit ending
        // at the window's edge waits for the next byte (unless this is the end of the file).
        if (end < carry.length || (end === window.length && !eof)) continue;
        if (isWordByte(window[p - 1]) || isWordByte(window[end])) continue;
        found.push(linesBefore + countNewlines(window, p) + 1);
        if (found.length >= MAX_HITS_PER_SECRET) break;
      }
      if (found.length > 0) hits.set(needle.name, found);
    }
    const tail = Math.min(window.length, keep);
    linesBefore += countNewlines(window.subarray(0, window.length - tail), window.length - tail);
    carry = Buffer.from(window.subarray(window.length - tail));
  };
  let pending: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkSize })) {
    if (pending) process(pending, false);
    pending = chunk as Buffer;
  }
  if (pending) process(pending, true);
  return hits;
}

/**
 * Looks for every registered secret value in every bundled file, whatever its extension
 * (binary files too: a value is bytes either way). Each hit blocks the publish and names the
 * variable, the file and the line, never the value.
 */
export async function scanForSecrets(
  files: { name: string; abs: string }[],
  secrets: { name: string; value: string }[],
): Promise<PreflightProblem[]> {
  const needles = secrets.filter((s) => s.value.length > 0).map((s) => ({ name: s.name, bytes: Buffer.from(s.value, 'utf8') }));
  if (needles.length === 0) return [];
  const problems: PreflightProblem[] = [];
  for (const file of files) {
    const hits = await scanFile(file.abs, needles);
    for (const needle of needles) {
      for (const line of hits.get(needle.name) ?? []) {
        problems.push({
          kind: 'secret-in-bundle',
          file: file.name,
          line,
          message: `The value of ${needle.name} appears in ${file.name} on line ${line}. Remove it from the file (the backend reads secrets from the environment) before publishing.`,
        });
      }
    }
  }
  return problems;
}
