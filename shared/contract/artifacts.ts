import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';
import { artifactTypes, slugSchema } from '../artifacts/rules';

export { artifactTypes, isFullstackType } from '../artifacts/rules';
export const artifactTypeSchema = z.enum(artifactTypes);
export type ArtifactType = z.infer<typeof artifactTypeSchema>;

/** A slug as it crosses the boundary (the one rule, `shared/artifacts/rules.ts`); the store re-checks it against the disk. */
export const slugInputSchema = slugSchema;

/** A path relative to the artifact folder, `/` separated. */
export const relPathSchema = z.string().min(1).max(4096);

export const fileEntrySchema = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  modifiedAt: z.string(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** anton may have written more keys per datasource (legacy); they are kept on rewrite. */
export const datasourceRefSchema = z.looseObject({
  engine: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
});
export type DatasourceRef = z.infer<typeof datasourceRefSchema>;

export const provenanceTurnSchema = z.looseObject({
  index: z.number().int(),
  timestamp: z.string(),
  summary: z.string(),
  files_touched: z.array(z.string()),
});
export const provenanceEntrySchema = z.looseObject({
  conversation: z.string(),
  title: z.string().nullable().optional(),
  turns: z.array(provenanceTurnSchema),
});
export type ProvenanceEntry = z.infer<typeof provenanceEntrySchema>;

/**
 * metadata.json as Kiln reads it. Loose: keys Kiln doesn't know survive a rewrite.
 * Optional fields default the way anton reads an older record.
 */
export const artifactRecordSchema = z.looseObject({
  schemaVersion: z.number().int().default(1),
  id: z.string().min(1).max(64),
  slug: z.string().min(1).max(255),
  createdAt: z.string(),
  updatedAt: z.string(),
  name: z.string(),
  description: z.string().default(''),
  type: artifactTypeSchema,
  primary: z.string().nullable().default(null),
  port: z.number().int().nullable().default(null),
  datasources: z.array(datasourceRefSchema).default([]),
  files: z.array(fileEntrySchema).default([]),
  provenance: z.array(provenanceEntrySchema).default([]),
});
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;

/** One gallery entry. A record that could not be read is still listed, with the reason. */
export const artifactListItemSchema = z.object({
  slug: z.string(),
  id: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  type: artifactTypeSchema.nullable(),
  primary: z.string().nullable(),
  createdAt: z.string().nullable(),
  updatedAt: z.string(),
  fileCount: z.number().int().nonnegative(),
  damaged: z.object({ reason: z.string() }).optional(),
});
export type ArtifactListItem = z.infer<typeof artifactListItemSchema>;

export const createArtifactInputSchema = z.object({
  name: z.string().max(200),
  description: z.string().max(5000).default(''),
  type: artifactTypeSchema,
  primary: z.string().max(4096).nullable().optional(),
});
export type CreateArtifactInput = z.input<typeof createArtifactInputSchema>;

export const updateArtifactInputSchema = z.object({
  primary: z.string().max(4096).nullable().optional(),
  /** Restoring a checkpoint brings the description back. */
  description: z.string().max(5000).optional(),
  port: z.number().int().min(1).max(65535).nullable().optional(),
  datasources: z.array(datasourceRefSchema).max(64).optional(),
});
export type UpdateArtifactInput = z.infer<typeof updateArtifactInputSchema>;

export const tableResultSchema = z.object({
  path: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  /** True when the file holds more rows than were returned. */
  truncated: z.boolean(),
});
export type TableResult = z.infer<typeof tableResultSchema>;

export const workspaceInfoSchema = z.object({
  path: z.string(),
  artifactsRoot: z.string(),
  /** True when `--workspace` / `KILN_WORKSPACE` wins over the setting for this run. */
  overridden: z.boolean(),
});
export type WorkspaceInfo = z.infer<typeof workspaceInfoSchema>;

const slugIn = z.object({ slug: slugInputSchema });
const fileIn = z.object({ slug: slugInputSchema, path: relPathSchema.optional() });

export const artifactsEndpoints = {
  'artifacts.list': defineEndpoint('artifacts.list', { input: z.void(), output: z.array(artifactListItemSchema) }),
  'artifacts.open': defineEndpoint('artifacts.open', { input: slugIn, output: artifactRecordSchema }),
  'artifacts.rename': defineEndpoint('artifacts.rename', {
    input: z.object({ slug: slugInputSchema, name: z.string().max(200) }),
    output: artifactRecordSchema,
  }),
  'artifacts.delete': defineEndpoint('artifacts.delete', {
    input: slugIn,
    output: z.object({ movedTo: z.enum(['os-trash', 'workspace-trash']), location: z.string().nullable() }),
  }),
  'artifacts.reveal': defineEndpoint('artifacts.reveal', { input: fileIn, output: z.void() }),
  'artifacts.addExamples': defineEndpoint('artifacts.addExamples', {
    input: z.void(),
    output: z.object({ slugs: z.array(z.string()) }),
  }),
  /** A text file (default: the primary), up to 2 MB. */
  'artifacts.readText': defineEndpoint('artifacts.readText', {
    input: fileIn,
    output: z.object({ path: z.string(), text: z.string() }),
  }),
  /** The first 200 rows of a CSV/TSV/JSON dataset (default: the primary or first table file). */
  'artifacts.readTable': defineEndpoint('artifacts.readTable', { input: fileIn, output: tableResultSchema }),
  /** An image (default: the primary or first image file), up to 10 MB, as base64. */
  'artifacts.readImage': defineEndpoint('artifacts.readImage', {
    input: fileIn,
    output: z.object({ path: z.string(), mime: z.string(), base64: z.string(), bytes: z.number().int() }),
  }),
  'artifacts.workspace': defineEndpoint('artifacts.workspace', { input: z.void(), output: workspaceInfoSchema }),
  /** Checks that the folder is absolute, creatable and writable, then makes it the workspace. */
  'artifacts.setWorkspace': defineEndpoint('artifacts.setWorkspace', {
    input: z.object({ path: z.string().min(1).max(4096) }),
    output: workspaceInfoSchema,
  }),
};

/** Who made a change: the agent's tools, the user through Kiln's UI, or something outside Kiln (an editor, anton, a backend). */
export const changeAuthors = ['agent', 'user', 'outside'] as const;
export type ChangeAuthor = (typeof changeAuthors)[number];

/**
 * One change to one artifact. `created` and `record` carry the new list item, `files` the changed
 * paths (artifact-relative, `/` separated) and the item when the record was rewritten, `removed`
 * neither. The renderer patches its stores from this instead of refetching.
 */
export const artifactChangeSchema = z.object({
  slug: z.string(),
  kind: z.enum(['created', 'record', 'files', 'removed']),
  paths: z.array(z.string()).optional(),
  by: z.enum(changeAuthors),
  item: artifactListItemSchema.optional(),
});
export type ArtifactChange = z.infer<typeof artifactChangeSchema>;

export const artifactsEvents = {
  /**
   * What changed, once per change: each write by Kiln emits it at once; the watcher emits only
   * changes Kiln didn't make. `rescan` means the whole list changed (the workspace moved).
   */
  'artifacts.changed': defineEvent(
    'artifacts.changed',
    z.object({ changes: z.array(artifactChangeSchema), rescan: z.literal(true).optional() }),
  ),
};
