import { z } from 'zod';
import { appSecretAccounts } from '../vault/accounts';
import { DS_NAME_RE, DS_SLUG_RE, ENGINE_ID_RE, FIELD_NAME_RE } from '../vault/catalog';
import { defineEndpoint, defineEvent } from './core';

/**
 * Datasources and app secrets. No output schema in this file carries a secret value: the
 * renderer learns only whether a secret is set (and where from), never what it is.
 */

export const MAX_FIELD_VALUE = 256 * 1024;

const slug = z
  .string()
  .min(3)
  .max(100)
  .regex(DS_SLUG_RE, 'not a datasource slug (<engine>-<name>)');
const engine = z.string().regex(ENGINE_ID_RE, 'lowercase letters, digits, "-" or "_"');
const label = z.string().trim().min(1, 'a label is required').max(100);
const fieldName = z.string().regex(FIELD_NAME_RE, 'field names use letters, digits and "_" only');
const fieldValue = z.string().max(MAX_FIELD_VALUE);

export const connectionStatusSchema = z.object({
  state: z.enum(['untested', 'ok', 'failing']),
  at: z.string().optional(),
  message: z.string().optional(),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const datasourceViewSchema = z.object({
  slug: z.string(),
  engine: z.string(),
  name: z.string().regex(DS_NAME_RE),
  label: z.string(),
  /** Non-secret fields with their values. */
  fields: z.record(z.string(), z.string()),
  /** Secret fields → whether a value is stored in the keychain. */
  secrets: z.record(z.string(), z.boolean()),
  /** The DS_* variable names a backend gets for this datasource. */
  envNames: z.array(z.string()),
  envPrefix: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The last "Test connection": untested, ok or failing, with when and the one-sentence result. */
  connection: connectionStatusSchema,
});
export type DatasourceView = z.infer<typeof datasourceViewSchema>;

export const datasourceCreateSchema = z
  .object({
    engine,
    label,
    fields: z.record(fieldName, fieldValue).default({}),
    /** Free-form engines only: fields to keep secret even when the name heuristic wouldn't. */
    secret: z.array(fieldName).max(200).optional(),
  })
  .strict();
export type DatasourceCreate = z.infer<typeof datasourceCreateSchema>;

export const datasourceUpdateSchema = z
  .object({
    slug,
    label: label.optional(),
    /** Absent field: unchanged. Empty string or null: cleared. Anything else: replaced. */
    fields: z.record(fieldName, fieldValue.nullable()).optional(),
    /** Free-form engines only: new fields to keep secret even when the name heuristic wouldn't. */
    secret: z.array(fieldName).max(200).optional(),
  })
  .strict();
export type DatasourceUpdate = z.infer<typeof datasourceUpdateSchema>;

export const importItemSchema = z.object({
  file: z.string(),
  slug: z.string(),
  engine: z.string(),
  name: z.string(),
  label: z.string(),
  fields: z.array(z.string()),
  secretFields: z.array(z.string()),
  status: z.enum(['new', 'exists', 'invalid']),
  problem: z.string().optional(),
});
export type ImportItem = z.infer<typeof importItemSchema>;

export const importPreviewSchema = z.object({
  dir: z.string(),
  found: z.boolean(),
  items: z.array(importItemSchema),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importResultSchema = z.object({
  imported: z.array(datasourceViewSchema),
  skipped: z.array(z.object({ slug: z.string(), reason: z.string() })),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** The app's own secrets the renderer may set or clear (datasource secrets go through vault.*); named in shared/vault/accounts. */
export { appSecretAccounts, type AppSecretAccount } from '../vault/accounts';

export const secretStatusSchema = z.object({
  account: z.enum(appSecretAccounts),
  set: z.boolean(),
  source: z.enum(['keychain', 'environment']).nullable(),
});
export type SecretStatus = z.infer<typeof secretStatusSchema>;

export const secretsStatusSchema = z.object({
  /** False when the OS keychain can't be reached; `problem` then says how to fix it. */
  keychainAvailable: z.boolean(),
  problem: z.string().optional(),
  secrets: z.array(secretStatusSchema),
});
export type SecretsStatus = z.infer<typeof secretsStatusSchema>;

export const vaultEndpoints = {
  'vault.list': defineEndpoint('vault.list', { input: z.void(), output: z.array(datasourceViewSchema) }),
  'vault.get': defineEndpoint('vault.get', { input: z.object({ slug }).strict(), output: datasourceViewSchema }),
  'vault.create': defineEndpoint('vault.create', { input: datasourceCreateSchema, output: datasourceViewSchema }),
  'vault.update': defineEndpoint('vault.update', { input: datasourceUpdateSchema, output: datasourceViewSchema }),
  'vault.delete': defineEndpoint('vault.delete', {
    input: z.object({ slug }).strict(),
    output: z.object({ deleted: z.literal(true) }),
  }),
  'vault.importPreview': defineEndpoint('vault.importPreview', { input: z.void(), output: importPreviewSchema }),
  'vault.importConfirm': defineEndpoint('vault.importConfirm', {
    input: z.object({ slugs: z.array(slug).min(1).max(500) }).strict(),
    output: importResultSchema,
  }),
  'secrets.status': defineEndpoint('secrets.status', { input: z.void(), output: secretsStatusSchema }),
  'secrets.set': defineEndpoint('secrets.set', {
    input: z.object({ account: z.enum(appSecretAccounts), value: z.string().max(16 * 1024).refine((v) => v.trim() !== '', 'the value is empty') }).strict(),
    output: secretsStatusSchema,
  }),
  'secrets.clear': defineEndpoint('secrets.clear', {
    input: z.object({ account: z.enum(appSecretAccounts) }).strict(),
    output: secretsStatusSchema,
  }),
};

export const vaultEvents = {
  /** Datasources changed (created, edited, deleted, imported); the payload is the new list. */
  'vault.changed': defineEvent('vault.changed', z.array(datasourceViewSchema)),
  'secrets.changed': defineEvent('secrets.changed', secretsStatusSchema),
};
