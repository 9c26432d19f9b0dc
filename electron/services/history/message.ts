import { z } from 'zod';
import {
  changedPathSchema,
  checkpointAuthors,
  checkpointRecordSchema,
  type ChangedPath,
  type Checkpoint,
  type CheckpointRecord,
} from '../../../shared/contract/history';
import type { CommitInfo } from './repo';

/** The trailer line that carries a checkpoint's facts as JSON, after a human summary line. */
const TRAILER = 'Kiln-Checkpoint: ';
const MAX_PATHS = 200;

/** What Kiln stores per checkpoint besides the tree (parsed leniently: an old or hand-made commit still lists). */
const metaSchema = z.object({
  v: z.literal(1),
  at: z.string(),
  by: z.enum(checkpointAuthors),
  paths: z.array(changedPathSchema).default([]),
  pathCount: z.number().int().nonnegative().default(0),
  recordChanged: z.boolean().default(false),
  record: checkpointRecordSchema,
  conversationId: z.string().optional(),
  turnId: z.string().optional(),
  interrupted: z.boolean().optional(),
  requirementsHash: z.string().nullable().default(null),
  restoredFrom: z.string().optional(),
  undoOf: z.string().optional(),
  redoOf: z.string().optional(),
  /** For an undo: the checkpoint that was current before it, which "Redo" brings back. */
  previous: z.string().optional(),
});
export type CheckpointMeta = z.infer<typeof metaSchema>;

/** The commit message: a summary line git log shows, a blank line, the JSON trailer. */
export function encodeMessage(summary: string, meta: CheckpointMeta): string {
  const listed = meta.paths.slice(0, MAX_PATHS);
  return `${summary.replace(/[\r\n]+/g, ' ').slice(0, 200)}\n\n${TRAILER}${JSON.stringify({ ...meta, paths: listed })}\n`;
}

export interface ParsedCommit {
  commit: CommitInfo;
  checkpoint: Checkpoint;
  meta: CheckpointMeta | null;
}

/** A commit as a checkpoint. A commit without Kiln's trailer (made by hand) lists as an outside change. */
export function decodeCommit(c: CommitInfo): ParsedCommit {
  const lines = c.message.split('\n');
  const summary = lines[0] ?? '';
  const trailer = lines.find((l) => l.startsWith(TRAILER));
  let meta: CheckpointMeta | null = null;
  if (trailer) {
    try {
      const parsed = metaSchema.safeParse(JSON.parse(trailer.slice(TRAILER.length)));
      if (parsed.success) meta = parsed.data;
    } catch {
      meta = null;
    }
  }
  const checkpoint: Checkpoint = {
    id: c.oid,
    parent: c.parent,
    at: meta?.at ?? new Date(c.timestamp * 1000).toISOString(),
    by: meta?.by ?? 'outside',
    summary,
    paths: meta?.paths ?? [],
    pathCount: meta?.pathCount ?? 0,
    recordChanged: meta?.recordChanged ?? false,
    requirementsHash: meta?.requirementsHash ?? null,
    ...(meta?.conversationId ? { conversationId: meta.conversationId } : {}),
    ...(meta?.turnId ? { turnId: meta.turnId } : {}),
    ...(meta?.interrupted ? { interrupted: true } : {}),
    ...(meta?.restoredFrom ? { restoredFrom: meta.restoredFrom } : {}),
    ...(meta?.undoOf ? { undoOf: meta.undoOf } : {}),
    ...(meta?.redoOf ? { redoOf: meta.redoOf } : {}),
  };
  return { commit: c, checkpoint, meta };
}

/** Changed paths between two flat trees, sorted. */
export function changedPaths(before: ReadonlyMap<string, { oid: string }>, after: ReadonlyMap<string, { oid: string }>): ChangedPath[] {
  const out: ChangedPath[] = [];
  for (const [p, f] of after) {
    const old = before.get(p);
    if (!old) out.push({ path: p, change: 'added' });
    else if (old.oid !== f.oid) out.push({ path: p, change: 'modified' });
  }
  for (const p of before.keys()) if (!after.has(p)) out.push({ path: p, change: 'deleted' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function sameRecord(a: CheckpointRecord | null, b: CheckpointRecord): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** "index.html, app.js and 3 more" */
export function describePaths(paths: readonly ChangedPath[], total: number): string {
  if (total === 0) return 'no file changes';
  const names = paths.slice(0, 2).map((p) => p.path);
  return total > names.length ? `${names.join(', ')} and ${total - names.length} more` : names.join(' and ');
}
