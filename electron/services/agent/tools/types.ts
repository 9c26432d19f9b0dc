import type { z } from 'zod';

/**
 * anton's tool result envelope: the model reads `success` and `message` first; create,
 * update and launch also name the artifact (`resource_id`) and where to see it (`external_url`).
 */
export interface ToolResult {
  success: boolean;
  message: string;
  resource_id?: string;
  external_url?: string;
  details?: unknown;
  [key: string]: unknown;
}

export interface ToolContext {
  conversationId: string;
  turnId: string;
  /** The model's id for this call (ties a permission prompt to its tool card). */
  callId?: string;
  signal: AbortSignal;
  /** Records a file written in this turn, for the artifact's provenance. */
  touch(slug: string, relPath: string): void;
  /** Shows an artifact card in the chat. */
  showArtifact(slug: string, name: string, type: string): void;
  /** Shows a publish card; only the user's click publishes. */
  proposePublish(slug: string, note?: string): void;
}

export interface ToolDef<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  /** Longest this tool may run before it is abandoned (ms). */
  timeoutMs: number;
  run(args: z.output<S>, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<S extends z.ZodType>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

export const ok = (message: string, extra: Omit<ToolResult, 'success' | 'message'> = {}): ToolResult => ({
  success: true,
  message,
  ...extra,
});

export const fail = (message: string, extra: Omit<ToolResult, 'success' | 'message'> = {}): ToolResult => ({
  success: false,
  message,
  ...extra,
});
