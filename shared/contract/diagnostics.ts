import { z } from 'zod';
import { noticeSchema } from './app';
import { defineEndpoint } from './core';
import { isolationModes } from './settings';

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

/** Whether backends, pip and the scratchpad run in the OS sandbox (docs/security.md). */
export const isolationCheckSchema = z.object({
  mode: z.enum(isolationModes),
  /** This machine can isolate apps (bwrap works on Linux, sandbox-exec on macOS). */
  available: z.boolean(),
  /** New backends, pip and the scratchpad run isolated (available and not turned off). */
  isolated: z.boolean(),
  tool: z.enum(['bwrap', 'sandbox-exec', 'none']),
  problem: z.string().optional(),
  /** How to install or enable the sandbox, when it is not available. */
  install: z.string().optional(),
});
export type IsolationCheck = z.infer<typeof isolationCheckSchema>;

/** One sentence for the status panel, Diagnostics, first run and bug reports. */
export function isolationSentence(c: IsolationCheck): string {
  const tool = c.tool === 'bwrap' ? 'bubblewrap' : c.tool;
  if (c.isolated) return `Apps are isolated (${tool}): backends, pip and the agent's Python reach only their own folder${c.mode === 'require' ? '; Kiln refuses to run them without it' : ''}.`;
  if (c.mode === 'off') return `Apps are not isolated: "Isolate apps" is off${c.available ? ` (${tool} is available)` : ''}.`;
  return `Apps are not isolated: ${c.problem ?? 'no sandbox is available.'}${c.install ? ` ${c.install}` : ''}${c.mode === 'require' ? ' Until then Kiln refuses to run apps ("Isolate apps" is set to require).' : ''}`;
}

export const diagnosticsSchema = z.object({
  generatedAt: z.string(),
  app: z.object({ name: z.string(), version: z.string(), runtime: z.string(), platform: z.string(), arch: z.string() }),
  versions: z.record(z.string(), z.string()),
  workspace: z.string(),
  userData: z.string(),
  python: pythonCheckSchema,
  keychain: keychainCheckSchema,
  isolation: isolationCheckSchema.optional(),
  backends: z.array(z.object({ slug: z.string(), state: z.string(), url: z.string().optional(), error: z.string().optional() })),
  recentErrors: z.array(noticeSchema),
});
export type Diagnostics = z.infer<typeof diagnosticsSchema>;

export const diagnosticsEndpoints = {
  /** A snapshot for the Diagnostics page (checks Python without making a venv). */
  'diagnostics.get': defineEndpoint('diagnostics.get', { input: z.void(), output: diagnosticsSchema }),
  /** The full Python check, including making and running a throwaway venv (a few seconds). */
  'diagnostics.checkPython': defineEndpoint('diagnostics.checkPython', { input: z.void(), output: pythonCheckSchema }),
  /** Are apps isolated on this machine (checked again), and how to fix it when not. */
  'diagnostics.isolation': defineEndpoint('diagnostics.isolation', { input: z.void(), output: isolationCheckSchema }),
  /** The report as plain text for a bug report, scrubbed of every known secret. */
  'diagnostics.copyText': defineEndpoint('diagnostics.copyText', { input: z.void(), output: z.object({ text: z.string() }) }),
};
