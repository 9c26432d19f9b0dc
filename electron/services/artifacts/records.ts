import { promises as fs } from 'node:fs';
import path from 'node:path';
import { METADATA_FILE, README_FILE } from '../../../shared/artifacts/rules';
import type { ArtifactListItem, ArtifactRecord } from '../../../shared/contract/artifacts';
import { KilnError, isKilnError } from '../../../shared/contract/core';
import { safeReadText } from '../fs/safe-read';
import { writeFileAtomic } from '../fs/atomic-write';
import { renderReadme } from './readme';
import { MAX_METADATA_BYTES, parseRecord, serializeRecord, type ParseResult } from './record';
import { isoSeconds } from './time';
import { compareCodePoints } from '../../../shared/artifacts/path-order';

const SUMMARY_LIMIT = 240;

export interface TurnInput {
  conversation: string;
  title?: string | null;
  index: number;
  timestamp?: string;
  prompt: string;
  filesTouched: readonly string[];
}

/**
 * Reads `<dir>/metadata.json`; every failure comes back as a reason a person can act on.
 * `remember: false` (the gallery list, which keeps its own small entries) neither copies the
 * record into the parsed-record cache nor evicts the records the preview is using.
 */
export async function readRecord(dir: string, folderName: string, options: { remember?: boolean } = {}): Promise<ParseResult> {
  const file = path.join(dir, METADATA_FILE);
  let st;
  try {
    st = await fs.lstat(file);
  } catch {
    return { ok: false, reason: 'There is no metadata.json in this folder.' };
  }
  if (st.isSymbolicLink()) return { ok: false, reason: 'metadata.json is a link; Kiln only reads a real file.' };
  if (!st.isFile()) return { ok: false, reason: 'metadata.json is not a regular file.' };
  if (st.size > MAX_METADATA_BYTES) {
    return { ok: false, reason: `metadata.json is ${(st.size / 1048576).toFixed(1)} MB, more than the ${MAX_METADATA_BYTES / 1048576} MB a record can be.` };
  }
  // Parsed records are kept by the file's stat signature: the preview asks on every request.
  const sig = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${folderName}`;
  const hit = parsedCache.get(file);
  if (hit && hit.sig === sig) return hit.result.ok ? { ok: true, record: structuredClone(hit.result.record) } : hit.result;
  let raw: string;
  try {
    // Non-blocking, no-follow and capped again on the opened file: it may have been swapped for a FIFO since the lstat.
    raw = await safeReadText(file, { maxBytes: MAX_METADATA_BYTES, label: METADATA_FILE });
  } catch (error) {
    if (isKilnError(error)) return { ok: false, reason: error.message };
    return { ok: false, reason: `metadata.json can't be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  const result = parseRecord(raw, folderName);
  if (options.remember === false) return result;
  if (parsedCache.size >= CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(file, { sig, result: result.ok ? { ok: true, record: structuredClone(result.record) } : result });
  return result;
}

const CACHE_LIMIT = 512;
const parsedCache = new Map<string, { sig: string; result: ParseResult }>();

/** The record, or CONFLICT when it is damaged (Kiln never writes over a record it can't read). */
export async function loadRecord(dir: string, slug: string): Promise<ArtifactRecord> {
  const read = await readRecord(dir, slug);
  if (!read.ok) {
    throw new KilnError(
      'CONFLICT',
      `The record of "${slug}" is damaged, so Kiln leaves it untouched. Fix or replace its metadata.json.`,
      read.reason,
      'record-damaged',
    );
  }
  return read.record;
}

/** The two files a record write changes: metadata.json, README.md. */
export function recordPaths(dir: string): [string, string] {
  return [path.join(dir, METADATA_FILE), path.join(dir, README_FILE)];
}

/** Writes metadata.json, then README.md (both atomically). */
export async function writeRecord(dir: string, record: ArtifactRecord): Promise<void> {
  record.schemaVersion ??= 1;
  const [meta, readme] = recordPaths(dir);
  await writeFileAtomic(meta, serializeRecord(record));
  await writeFileAtomic(readme, renderReadme(record));
}

/** The gallery entry of a folder whose record can't be read: listed, with the reason. */
export function damagedItem(slug: string, reason: string, mtime: Date | null): ArtifactListItem {
  return {
    slug,
    id: null,
    name: slug,
    description: '',
    type: null,
    primary: null,
    createdAt: null,
    updatedAt: isoSeconds(mtime ?? new Date(0)),
    fileCount: 0,
    damaged: { reason },
  };
}

/** Adds (or replaces) one provenance turn: the prompt cut to 240 chars and the files it touched. */
export function applyTurn(record: ArtifactRecord, turn: TurnInput, now: Date): void {
  let entry = record.provenance.find((p) => p.conversation === turn.conversation);
  if (!entry) {
    entry = { conversation: turn.conversation, title: turn.title ?? null, turns: [] };
    record.provenance.push(entry);
  } else if (turn.title) {
    entry.title = turn.title;
  }
  const prompt = turn.prompt.trim();
  // anton: cut to 239 code points, trailing space trimmed, then the ellipsis; files sorted by code point.
  const summary = [...prompt].length > SUMMARY_LIMIT ? `${[...prompt].slice(0, SUMMARY_LIMIT - 1).join('').trimEnd()}…` : prompt;
  const files_touched = [...new Set(turn.filesTouched.map((f) => f.replace(/\\/g, '/')))].sort(compareCodePoints);
  const t = { index: turn.index, timestamp: antonTimestamp(turn.timestamp, now), summary, files_touched };
  const at = entry.turns.findIndex((x) => x.index === turn.index);
  if (at >= 0) entry.turns[at] = { ...entry.turns[at], ...t };
  else entry.turns.push(t);
}

/** A turn's time as anton writes it (`2026-06-01T12:00:00+00:00`), whatever ISO form the caller gave. */
function antonTimestamp(given: string | undefined, now: Date): string {
  const parsed = given === undefined ? Number.NaN : Date.parse(given);
  return isoSeconds(Number.isNaN(parsed) ? now : new Date(parsed));
}

/** Trimmed, with control characters (which would break a README line) removed. */
export function cleanName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}
