import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';
import { slugSchema } from '../artifacts/rules';

/** Who made a checkpoint's change: the agent, the user in Kiln, something outside Kiln, or a restore. */
export const checkpointAuthors = ['agent', 'user', 'outside', 'restore'] as const;
export type CheckpointAuthor = (typeof checkpointAuthors)[number];

/** A checkpoint id: a git commit id (40 hex), or a unique prefix of at least 7 when given by the agent. */
export const checkpointIdSchema = z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a checkpoint id (hex)');

export const changedPathSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'modified', 'deleted']),
});
export type ChangedPath = z.infer<typeof changedPathSchema>;

/** The record fields a checkpoint keeps and a restore brings back (never the publish state). */
export const checkpointRecordSchema = z.object({
  name: z.string(),
  description: z.string(),
  primary: z.string().nullable(),
  datasources: z.array(z.looseObject({ engine: z.string(), name: z.string() })),
});
export type CheckpointRecord = z.infer<typeof checkpointRecordSchema>;

export const checkpointSchema = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  /** ISO time it was taken. */
  at: z.string(),
  by: z.enum(checkpointAuthors),
  /** One line: what happened ("Agent turn", "Interrupted turn", "Restored …", "Changed outside Kiln"). */
  summary: z.string(),
  /** Changed files against the previous checkpoint (at most 200 listed; `pathCount` is the total). */
  paths: z.array(changedPathSchema),
  pathCount: z.number().int().nonnegative(),
  /** True when the record (name, description, primary, datasources) changed. */
  recordChanged: z.boolean(),
  conversationId: z.string().optional(),
  turnId: z.string().optional(),
  /** A stopped or failed turn's partial work. */
  interrupted: z.boolean().optional(),
  /** Blob id of requirements.txt, null without one: a restore reinstalls only when it changes. */
  requirementsHash: z.string().nullable(),
  /** Set when this checkpoint was published (anton identifies a version by its bundle md5). */
  published: z.object({ reportId: z.string(), md5: z.string(), at: z.string() }).optional(),
  /** For a restore: the checkpoint it brought back. */
  restoredFrom: z.string().optional(),
  /** For a restore made by "Undo this turn" / "Redo" on a turn card. */
  undoOf: z.string().optional(),
  redoOf: z.string().optional(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const historyStateSchema = z.object({
  slug: z.string(),
  /** `none`: no checkpoint yet; `damaged`: the repository can't be read (offer a fresh start). */
  status: z.enum(['ok', 'none', 'damaged']),
  problem: z.string().optional(),
  /** Where the repository is, for `git --git-dir=… log`. */
  gitDir: z.string().nullable(),
  /** Newest first. */
  checkpoints: z.array(checkpointSchema),
  /** Set when the size cap stopped new checkpoints: what to do about it. */
  limit: z.string().optional(),
});
export type HistoryState = z.infer<typeof historyStateSchema>;

export const fileDiffSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'modified', 'deleted']),
  /** Images and other binary files are only shown as changed. */
  binary: z.boolean(),
  /** Over the size shown in a diff. */
  tooLarge: z.boolean(),
  /** Unified hunks (from the `diff` package), empty for binary or too large files. */
  hunks: z.array(
    z.object({ oldStart: z.number().int(), oldLines: z.number().int(), newStart: z.number().int(), newLines: z.number().int(), lines: z.array(z.string()) }),
  ),
});
export type FileDiff = z.infer<typeof fileDiffSchema>;

/** The artifacts a chat turn changed, and whether it is undone right now. */
export const turnHistorySchema = z.object({
  artifacts: z.array(z.object({ slug: z.string(), checkpointId: z.string() })),
  undone: z.boolean(),
});
export type TurnHistory = z.infer<typeof turnHistorySchema>;

const slugIn = z.object({ slug: slugSchema });
const turnIn = z.object({ turnId: z.string().min(1).max(200) });

export const historyEndpoints = {
  'history.list': defineEndpoint('history.list', { input: slugIn, output: historyStateSchema }),
  'history.diff': defineEndpoint('history.diff', {
    input: z.object({ slug: slugSchema, id: checkpointIdSchema }),
    output: z.object({ files: z.array(fileDiffSchema) }),
  }),
  /** Takes a checkpoint of the current state first, then one of the restored state (so a restore can be undone). */
  'history.restore': defineEndpoint('history.restore', {
    input: z.object({ slug: slugSchema, id: checkpointIdSchema }),
    output: checkpointSchema,
  }),
  /** Keeps the damaged repository as `<id>.git.bak` and starts a new history from the folder as it is. */
  'history.reset': defineEndpoint('history.reset', { input: slugIn, output: historyStateSchema }),
  'history.turn': defineEndpoint('history.turn', { input: turnIn, output: turnHistorySchema }),
  'history.undoTurn': defineEndpoint('history.undoTurn', { input: turnIn, output: turnHistorySchema }),
  'history.redoTurn': defineEndpoint('history.redoTurn', { input: turnIn, output: turnHistorySchema }),
};

export const historyEvents = {
  /** A checkpoint was taken (or the history was reset) for this artifact. */
  'history.changed': defineEvent('history.changed', z.object({ slug: z.string() })),
};
