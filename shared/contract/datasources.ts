import { z } from 'zod';
import { DS_SLUG_RE, ENGINE_ID_RE, FIELD_NAME_RE } from '../vault/catalog';
import { defineEndpoint } from './core';
import { MAX_FIELD_VALUE } from './vault';

/**
 * Connecting to datasources: "Test connection" for a saved datasource or for what the form
 * holds before saving. Results are one sentence (and the server version on success); none
 * carries a secret. The saved test's outcome also lands in the datasource's `connection` status.
 */
const slug = z.string().min(3).max(100).regex(DS_SLUG_RE, 'not a datasource slug (<engine>-<name>)');

/** Engines Kiln has a connector for (electron/services/datasources/connectors.ts); others can't be tested yet. */
export const testableEngines = ['postgres', 'mysql', 'sqlite', 'rest-api'] as const;
export type TestableEngine = (typeof testableEngines)[number];
export function isTestableEngine(engine: string): engine is TestableEngine {
  return (testableEngines as readonly string[]).includes(engine);
}

export const testOutcomes = ['ok', 'unreachable', 'auth', 'database', 'tls', 'timeout', 'unsupported', 'invalid', 'error'] as const;

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  outcome: z.enum(testOutcomes),
  message: z.string(),
  version: z.string().optional(),
  durationMs: z.number(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export const connectionDraftSchema = z
  .object({
    engine: z.string().regex(ENGINE_ID_RE),
    /** Editing a saved datasource: secrets not typed in the form come from the keychain. */
    slug: slug.optional(),
    /** The form's values; '' or null is empty. */
    fields: z.record(z.string().regex(FIELD_NAME_RE), z.string().max(MAX_FIELD_VALUE).nullable()),
  })
  .strict();
export type ConnectionDraft = z.infer<typeof connectionDraftSchema>;

export const datasourcesEndpoints = {
  /** Tests a saved datasource and records the outcome as its status. */
  'datasources.test': defineEndpoint('datasources.test', { input: z.object({ slug }).strict(), output: connectionTestResultSchema }),
  /** Tests what the form holds, before it is saved; records nothing. */
  'datasources.testDraft': defineEndpoint('datasources.testDraft', { input: connectionDraftSchema, output: connectionTestResultSchema }),
};
