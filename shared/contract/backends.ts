import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';
import { slugSchema } from '../artifacts/rules';

export const backendStates = ['stopped', 'installing', 'starting', 'running', 'crashed'] as const;
export type BackendState = (typeof backendStates)[number];

export const backendStatusSchema = z.object({
  slug: z.string(),
  state: z.enum(backendStates),
  /** The backend's own loopback port; for diagnostics only, the UI uses `url`. */
  port: z.number().int().optional(),
  /** The preview proxy address of this artifact (never the raw backend port). */
  url: z.string().optional(),
  /** What went wrong, as a sentence (crash, failed install, timeout). */
  error: z.string().optional(),
  /** Last lines of backend.log, scrubbed, when something went wrong. */
  logTail: z.string().optional(),
  /** Non-fatal problems, e.g. the backend listens on every network interface. */
  warning: z.string().optional(),
  pid: z.number().int().optional(),
  startedAt: z.string().optional(),
  /** Declared datasources the user has not allowed yet (`<engine>-<name>`): the backend runs without them. */
  pendingGrants: z.array(z.string()).optional(),
  /**
   * A live restart after a code change (`*.py`, `requirements.txt`): `restarting` while the new
   * version installs and starts (the old one keeps serving), `failed` when it did not start —
   * the old version still serves; `error` and `logTail` say why. Absent when none is pending.
   */
  reload: z
    .object({ phase: z.enum(['restarting', 'failed']), error: z.string().optional(), logTail: z.string().optional() })
    .optional(),
});
export type BackendStatus = z.infer<typeof backendStatusSchema>;

export const pythonInfoSchema = z.object({
  path: z.string(),
  version: z.string(),
  /** Where the interpreter came from: the setting, KILN_PYTHON, or discovery. */
  source: z.enum(['setting', 'env', 'discovered']),
});
export type PythonInfo = z.infer<typeof pythonInfoSchema>;

const slugInput = z.object({ slug: slugSchema }).strict();

export const backendsEndpoints = {
  'backends.launch': defineEndpoint('backends.launch', { input: slugInput, output: backendStatusSchema }),
  'backends.stop': defineEndpoint('backends.stop', { input: slugInput, output: backendStatusSchema }),
  'backends.restart': defineEndpoint('backends.restart', { input: slugInput, output: backendStatusSchema }),
  'backends.status': defineEndpoint('backends.status', { input: slugInput, output: backendStatusSchema }),
  'backends.list': defineEndpoint('backends.list', { input: z.void(), output: z.array(backendStatusSchema) }),
  'backends.logs': defineEndpoint('backends.logs', {
    input: z.object({ slug: slugSchema, tail: z.number().int().min(1).max(5000).default(200) }).strict(),
    output: z.object({ lines: z.array(z.string()) }),
  }),
  /** Finds the Python interpreter the settings select; fails with the fix when there is none. */
  'backends.python': defineEndpoint('backends.python', { input: z.void(), output: pythonInfoSchema }),
};

export const backendsEvents = {
  'backends.state': defineEvent('backends.state', backendStatusSchema),
  /** New backend output lines, already scrubbed of secrets. */
  'backends.log': defineEvent('backends.log', z.object({ slug: z.string(), lines: z.array(z.string()) })),
  /** Install progress: venv creation and pip output lines. */
  'backends.progress': defineEvent(
    'backends.progress',
    z.object({ slug: z.string(), phase: z.enum(['venv', 'pip', 'done']), lines: z.array(z.string()) }),
  ),
};
