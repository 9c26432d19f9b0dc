import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  runtime: z.enum(['electron', 'web']),
  /** Versions of the runtime pieces (node, electron, chrome) for About and diagnostics. */
  versions: z.record(z.string(), z.string()),
  workspace: z.string(),
  userData: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const noticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  details: z.string().optional(),
  at: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const appEndpoints = {
  'app.info': defineEndpoint('app.info', { input: z.void(), output: appInfoSchema }),
  /** Background problems since start (corrupt settings, a crashed service…), newest last. */
  'app.notices': defineEndpoint('app.notices', { input: z.void(), output: z.array(noticeSchema) }),
  /** Opens an http(s) URL in the OS browser after validation. */
  'app.openExternal': defineEndpoint('app.openExternal', {
    input: z.object({ url: z.string().max(4096) }),
    output: z.void(),
  }),
};

export const appEvents = {
  'app.notice': defineEvent('app.notice', noticeSchema),
};
