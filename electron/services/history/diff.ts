import { structuredPatch } from 'diff';
import type { ChangedPath, FileDiff } from '../../../shared/contract/history';

/** Files over this are listed as changed without their lines. */
export const MAX_DIFF_BYTES = 512 * 1024;
const BINARY_EXT = /\.(png|jpe?g|gif|webp|bmp|ico|pdf|zip|gz|tgz|xz|bz2|7z|woff2?|ttf|otf|eot|mp3|mp4|wav|ogg|webm|mov|parquet|xlsx?|docx?|pptx?|sqlite|db|bin|so|dylib|dll|exe|pyc)$/i;

function isBinary(rel: string, data: Uint8Array | null): boolean {
  if (BINARY_EXT.test(rel)) return true;
  if (!data) return false;
  const head = data.subarray(0, 8000);
  return head.includes(0);
}

const decoder = new TextDecoder('utf-8');

/** One file's diff: unified hunks for text, only "changed" for images, binaries and big files. */
export function fileDiff(change: ChangedPath, before: Uint8Array | null, after: Uint8Array | null): FileDiff {
  const base = { path: change.path, change: change.change, hunks: [] };
  if (isBinary(change.path, before) || isBinary(change.path, after)) return { ...base, binary: true, tooLarge: false };
  if ((before?.byteLength ?? 0) > MAX_DIFF_BYTES || (after?.byteLength ?? 0) > MAX_DIFF_BYTES) return { ...base, binary: false, tooLarge: true };
  const patch = structuredPatch(change.path, change.path, before ? decoder.decode(before) : '', after ? decoder.decode(after) : '', '', '', { context: 3 });
  return {
    ...base,
    binary: false,
    tooLarge: false,
    hunks: patch.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines })),
  };
}
