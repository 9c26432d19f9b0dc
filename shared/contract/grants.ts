import { z } from 'zod';
import { defineEndpoint } from './core';
import { slugInputSchema } from './artifacts';

/**
 * Datasource grants (docs/security.md): a backend or the agent's Python gets a datasource's
 * `DS_*` variables only after the user allowed that datasource for that artifact. Declaring
 * one in metadata.json (the agent, a backend, anton) is a *request*; only the user grants,
 * from this contract — no agent tool can.
 */
export const datasourceRequestSchema = z.object({
  /** `<engine>-<name>`. */
  slug: z.string(),
  engine: z.string(),
  name: z.string(),
  label: z.string().optional(),
  /** The field names the backend would get (values never cross). */
  fields: z.array(z.string()),
  /** False when the vault has no such datasource (granting it gives nothing until it is added). */
  exists: z.boolean(),
});
export type DatasourceRequest = z.infer<typeof datasourceRequestSchema>;

export const grantStateSchema = z.object({
  slug: z.string(),
  /** Declared and allowed. */
  granted: z.array(datasourceRequestSchema),
  /** Declared, waiting for the user's approval: not given to the backend or the scratchpad. */
  pending: z.array(datasourceRequestSchema),
});
export type GrantState = z.infer<typeof grantStateSchema>;

const slugIn = z.object({ slug: slugInputSchema }).strict();
const grantInput = z.object({ slug: slugInputSchema, datasources: z.array(z.string().min(1).max(300)).min(1).max(64) }).strict();

export const grantsEndpoints = {
  'grants.get': defineEndpoint('grants.get', { input: slugIn, output: grantStateSchema }),
  /** The user allows these declared datasources for the artifact (the prompt's "Allow"). */
  'grants.allow': defineEndpoint('grants.allow', { input: grantInput, output: grantStateSchema }),
  'grants.revoke': defineEndpoint('grants.revoke', { input: grantInput, output: grantStateSchema }),
};
