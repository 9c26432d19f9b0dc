import { z } from 'zod';
import { slugSchema } from '../../../../shared/artifacts/rules';
import { isKilnError } from '../../../../shared/contract/core';
import { defineTool, fail, ok, type ToolDef } from './types';

/** The agent's view of checkpoints (adapted from the history service in `history/wiring.ts`). */
export interface AgentCheckpoints {
  list(slug: string, limit: number): Promise<{ id: string; at: string; by: string; summary: string; paths: string[]; interrupted?: boolean }[]>;
  /** Restores a checkpoint as the agent (allowed during its own turn); returns the new checkpoint. */
  restore(slug: string, id: string): Promise<{ id: string; summary: string }>;
  /** Chat turn hooks: a checkpoint per changed artifact when a turn ends. */
  turnStarted(): void;
  turnFinished(t: { conversationId: string; turnId: string; status: 'done' | 'stopped' | 'error' | 'interrupted'; touched: string[] }): Promise<void>;
}

const slug = slugSchema.describe('The artifact slug (its folder name).');

export function checkpointTools(checkpoints: AgentCheckpoints): ToolDef[] {
  return [
    defineTool({
      name: 'list_checkpoints',
      description:
        'List the checkpoints of an artifact, newest first: id, when, who (agent, user, outside, restore), a summary and the changed files. Use it before restore_checkpoint.',
      schema: z.object({ slug, limit: z.number().int().min(1).max(100).default(20).describe('How many, newest first.') }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        const list = await checkpoints.list(args.slug, args.limit);
        if (list.length === 0) return ok(`"${args.slug}" has no checkpoints yet.`, { checkpoints: [] });
        return ok(`${list.length} checkpoint(s), newest first.`, { checkpoints: list });
      },
    }),
    defineTool({
      name: 'restore_checkpoint',
      description:
        "Put an artifact's files and record back to a checkpoint (from list_checkpoints). The current state is kept as a checkpoint first, so this can be undone. Use it to roll back your own change that broke the artifact.",
      schema: z.object({ slug, checkpoint: z.string().regex(/^[0-9a-f]{7,40}$/).describe('Checkpoint id, or at least its first 7 characters.') }).strict(),
      timeoutMs: 120_000,
      run: async (args) => {
        try {
          const made = await checkpoints.restore(args.slug, args.checkpoint);
          return ok(`Restored "${args.slug}" to checkpoint ${args.checkpoint}. New checkpoint ${made.id.slice(0, 10)}: ${made.summary}.`, { resource_id: args.slug });
        } catch (error) {
          if (isKilnError(error)) return fail(error.message);
          throw error;
        }
      },
    }),
  ];
}
