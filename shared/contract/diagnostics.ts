import { z } from 'zod';
import { noticeSchema } from './app';
import { defineEndpoint } from './core';

export const pythonCheckSchema = z.object({
  found: z.boolean(),
  path: z.string().optional(),
  version: z.string().optional(),
  source: z.enum(['setting', 'env', 'discovered']).optional(),
  /** Whether a throwaway venv could be made and run (null when not checked). */
  venvWorks: z.boolean().nullable(),
  /** What is wrong, with the exact fix, when something is. */
  problem: z.string().optional(),
});
export type PythonCheck = z.infer<typeof pythonCheckSchema>;

export const keychainCheckSchema = z.object({
  available: z.boolean(),
  problem: z.string().optional(),
});
export type KeychainCheck = z.infer<typeof keychainCheckSchema>;

export const diagnosticsSchema = z.object({
  generatedAt: z.string(),
  app: z.object({ name: z.string(), version: z.string(), runtime: z.string(), platform: z.string(), arch: z.string() }),
  versions: z.record(z.string(), z.string()),
  workspace: z.string(),
  userData: z.string(),
  python: pythonCheckSchema,
  keychain: keychainCheckSchema,
  backends: z.array(z.object({ slug: z.string(), state: z.string(), url: z.string().optional(), error: z.string().optional() })),
  recentErrors: z.array(noticeSchema),
});
export type Diagnostics = z.infer<typeof diagnosticsSchema>;

export const diagnosticsEndpoints = {
  /** A snapshot for the Diagnostics page (checks Python without making a venv). */
  'diagnostics.get': defineEndpoint('diagnostics.get', { input: z.void(), output: diagnosticsSchema }),
  /** The full Python check, including making and running a throwaway venv (a few seconds). */
  'diagnostics.checkPython': defineEndpoint('diagnostics.checkPython', { input: z.void(), output: pythonCheckSchema }),
  /** The report as plain text for a bug report, scrubbed of every known secret. */
  'diagnostics.copyText': defineEndpoint('diagnostics.copyText', { input: z.void(), output: z.object({ text: z.string() }) }),
};
