import { z } from 'zod';
import { slugSchema } from '../artifacts/rules';
import { defineEndpoint, defineEvent } from './core';
import { confirmOriginInputSchema, keyOriginStatusSchema } from './key-origin';

/**
 * Publishing an artifact with anton's protocol (anton-format.md §5): a review (preflight)
 * first, then an upload with progress and cancel, plus status, unpublish, versions and export.
 */

const slug = slugSchema;

/** A report's access password, and one allowed e-mail (the sheet's inputs read their limits here). */
export const accessPasswordSchema = z.string().max(1024);
export const accessEmailSchema = z.string().max(320);
export const MAX_ACCESS_EMAILS = 1000;
export const publishApiKeySchema = z.string().trim().min(1).max(4096);

/** What the user picks in the review sheet. A password crosses once and goes to the keychain. */
export const accessChoiceSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('public') }),
  z.object({
    mode: z.literal('password'),
    /** Absent or empty: keep the password already stored for this artifact. */
    password: accessPasswordSchema.optional(),
  }),
  z.object({
    mode: z.literal('restricted'),
    emails: z.array(accessEmailSchema).max(MAX_ACCESS_EMAILS),
    orgAllowed: z.boolean().default(false),
  }),
]);
export type AccessChoice = z.input<typeof accessChoiceSchema>;

export const preflightFileSchema = z.object({ path: z.string(), bytes: z.number().int().nonnegative() });

export const preflightProblemSchema = z.object({
  kind: z.enum([
    'unshipped-file',
    'uncovered-import',
    'undeclared-env',
    'missing-datasource',
    'secret-in-bundle',
    'missing-file',
    'too-large',
    'unsupported-type',
    'keychain-unavailable',
  ]),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
});
export type PreflightProblem = z.infer<typeof preflightProblemSchema>;

export const accessStateSchema = z.object({
  mode: z.enum(['public', 'password', 'restricted']),
  /** True when a password for this artifact is in the keychain (the value never crosses). */
  passwordSet: z.boolean(),
  emails: z.array(z.string()),
  orgAllowed: z.boolean(),
  /** anton also keeps this report's password in plain text in its `.published.json`. */
  antonPlaintext: z.boolean().optional(),
  /** A password report anton has no password for: its "keep" would republish it as public. */
  antonKeepMakesPublic: z.boolean().optional(),
});
export type AccessState = z.infer<typeof accessStateSchema>;

export const publishStatusSchema = z.object({
  slug,
  state: z.enum(['not-published', 'published', 'changed']),
  reportId: z.string().nullable(),
  url: z.string().nullable(),
  lastMd5: z.string().nullable(),
  /** md5 of a fresh bundle; null when the artifact can't be bundled right now. */
  currentMd5: z.string().nullable(),
  access: accessStateSchema,
});
export type PublishStatus = z.infer<typeof publishStatusSchema>;

export const preflightSchema = z.object({
  slug,
  name: z.string(),
  kind: z.enum(['static', 'fullstack']),
  files: z.array(preflightFileSchema),
  totalBytes: z.number().int().nonnegative(),
  /** The zip's size and md5, when it could be built. */
  bundleBytes: z.number().int().nonnegative().nullable(),
  md5: z.string().nullable(),
  maxBundleBytes: z.number().int().positive(),
  /** Datasource secrets sent in the request body (names only, never values). */
  secretNames: z.array(z.string()),
  datasources: z.array(z.object({ engine: z.string(), name: z.string(), inVault: z.boolean() })),
  warnings: z.array(preflightProblemSchema),
  blocking: z.array(preflightProblemSchema),
  status: publishStatusSchema,
  publishUrl: z.string(),
  apiKeySet: z.boolean(),
});
export type Preflight = z.infer<typeof preflightSchema>;

export const publishResultSchema = z.object({
  slug,
  reportId: z.string(),
  url: z.string(),
  md5: z.string(),
  version: z.number().int().nullable(),
  unchanged: z.boolean(),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

export const publishVersionSchema = z.object({
  md5: z.string(),
  version: z.number().int().nullable(),
  uploadedAt: z.string().nullable(),
  active: z.boolean(),
});
export type PublishVersion = z.infer<typeof publishVersionSchema>;

export const publishProgressSchema = z.object({
  slug,
  phase: z.enum(['zip', 'upload', 'retry', 'done', 'cancelled', 'failed']),
  /** 0..1 within the phase; null when unknown. */
  fraction: z.number().min(0).max(1).nullable(),
  message: z.string().optional(),
});
export type PublishProgress = z.infer<typeof publishProgressSchema>;

/** A `DS_*` variable a backend's Python reads that its artifact does not declare. */
export const datasourceUseSchema = z.object({
  variable: z.string(),
  file: z.string(),
  line: z.number().int(),
  /** The datasource that provides it, when one is known. */
  datasource: z.object({ engine: z.string(), name: z.string(), label: z.string() }).nullable(),
  /** Where that datasource is: Kiln's vault, or only anton's (import first). */
  source: z.enum(['kiln', 'anton']).nullable(),
});
export type DatasourceUse = z.infer<typeof datasourceUseSchema>;

export const datasourceCheckSchema = z.object({
  slug: z.string(),
  undeclared: z.array(datasourceUseSchema),
  /** Declared datasources missing from Kiln's vault; `inAnton` when anton's vault has them. */
  missing: z.array(z.object({ engine: z.string(), name: z.string(), slug: z.string(), inAnton: z.boolean() })),
});
export type DatasourceCheck = z.infer<typeof datasourceCheckSchema>;

const datasourceRefInput = z.object({ engine: z.string().min(1).max(128), name: z.string().min(1).max(128) });

export const publishEndpoints = {
  'publish.preflight': defineEndpoint('publish.preflight', { input: z.object({ slug }), output: preflightSchema }),
  'publish.start': defineEndpoint('publish.start', {
    input: z.object({ slug, access: accessChoiceSchema.optional() }),
    output: publishResultSchema,
  }),
  'publish.cancel': defineEndpoint('publish.cancel', { input: z.object({ slug }), output: z.object({ cancelled: z.boolean() }) }),
  'publish.status': defineEndpoint('publish.status', { input: z.object({ slug }), output: publishStatusSchema }),
  'publish.unpublish': defineEndpoint('publish.unpublish', { input: z.object({ slug }), output: publishStatusSchema }),
  'publish.versions': defineEndpoint('publish.versions', { input: z.object({ slug }), output: z.array(publishVersionSchema) }),
  'publish.rollback': defineEndpoint('publish.rollback', {
    input: z.object({ slug, md5: z.string().regex(/^[0-9a-f]{32}$/) }),
    output: z.array(publishVersionSchema),
  }),
  /** Writes the bundle zip (plus Dockerfile/README for fullstack) to `path`, or asks with a native dialog. */
  'publish.export': defineEndpoint('publish.export', {
    input: z.object({ slug, path: z.string().min(1).max(4096).optional() }),
    output: z.object({ path: z.string().nullable(), bytes: z.number().int().nonnegative() }),
  }),
  /** The backend's `DS_*` reads against its declared datasources (anton gives a backend every one). */
  'publish.datasourceCheck': defineEndpoint('publish.datasourceCheck', { input: z.object({ slug }), output: datasourceCheckSchema }),
  /** Declares a datasource on the artifact through the normal record update (the grant prompt follows). */
  'publish.declareDatasource': defineEndpoint('publish.declareDatasource', {
    input: z.object({ slug, datasource: datasourceRefInput }),
    output: datasourceCheckSchema,
  }),
  /** Stores a new publish API key in the keychain (after a 401). The key never comes back. */
  'publish.setApiKey': defineEndpoint('publish.setApiKey', {
    input: z.object({ key: publishApiKeySchema }),
    output: z.void(),
  }),
  /** Where the stored publish key may go, against the publish URL in effect now. */
  'publish.keyOrigin': defineEndpoint('publish.keyOrigin', { input: z.void(), output: keyOriginStatusSchema }),
  /** The user confirms the publish key may go to the current origin (Settings → Publishing). */
  'publish.confirmOrigin': defineEndpoint('publish.confirmOrigin', { input: confirmOriginInputSchema, output: keyOriginStatusSchema }),
};

export const publishEvents = {
  'publish.progress': defineEvent('publish.progress', publishProgressSchema),
  /** A publish state changed (published, unpublished, rolled back) — gallery badges refresh. */
  'publish.changed': defineEvent('publish.changed', z.object({ slug })),
};
