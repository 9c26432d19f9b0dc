import { z } from 'zod';
import { describeZodError, isKilnError } from '../../../../shared/contract/core';
import type { ChatCompletionTool } from '../model-client';
import type { DynamicTools } from './mcp-tools';
import type { ToolContext, ToolDef, ToolResult } from './types';

/**
 * Turns the model's tool calls into results, never into crashes: an unknown tool, arguments
 * that are not JSON or fail the schema, a thrown error and a timeout all become a
 * `{success:false, message}` the model reads and can correct.
 */
export class ToolRegistry {
  private readonly byName = new Map<string, ToolDef>();
  private schemas: ChatCompletionTool[] | null = null;

  constructor(
    tools: readonly ToolDef[],
    /** Tools that come and go while Kiln runs (the user's MCP servers, `mcp-tools.ts`). */
    private readonly dynamic?: DynamicTools,
  ) {
    for (const tool of tools) this.byName.set(tool.name, tool);
  }

  names(): string[] {
    return [...this.byName.keys(), ...(this.dynamic?.forModel().map((t) => (t.type === 'function' ? t.function.name : '')) ?? [])];
  }

  /** The tool list sent with every model call (built once: the schemas don't change). */
  forModel(): ChatCompletionTool[] {
    this.schemas ??= [...this.byName.values()].map((tool) => {
      const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
      return { type: 'function' as const, function: { name: tool.name, description: tool.description, parameters } };
    });
    return this.dynamic ? [...this.schemas, ...this.dynamic.forModel()] : this.schemas;
  }

  async execute(name: string, rawArgs: string, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.byName.get(name) ?? this.dynamic?.find(name);
    if (!tool) {
      return { success: false, message: `There is no tool named "${name.slice(0, 100)}". Available tools: ${this.names().join(', ')}.` };
    }
    let json: unknown;
    try {
      json = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch (error) {
      return {
        success: false,
        message: `The arguments for ${name} are not valid JSON (${(error as Error).message}). Send one JSON object matching the tool's schema.`,
      };
    }
    const parsed = tool.schema.safeParse(json);
    if (!parsed.success) {
      return { success: false, message: `Invalid arguments for ${name}: ${describeZodError(parsed.error)}.` };
    }
    if (ctx.signal.aborted) return { success: false, message: 'Stopped by the user.' };

    // Each call gets its own signal: aborted by Stop, or by this call's timeout.
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        tool.run(parsed.data, { ...ctx, signal: local.signal }),
        new Promise<ToolResult>((resolve) => {
          timer = setTimeout(() => {
            resolve({ success: false, message: `${name} took longer than ${Math.round(tool.timeoutMs / 1000)} s and was abandoned.` });
            local.abort();
          }, tool.timeoutMs);
        }),
        new Promise<ToolResult>((resolve) => {
          const stop = (): void => resolve({ success: false, message: 'Stopped by the user.' });
          if (local.signal.aborted) stop();
          else local.signal.addEventListener('abort', stop, { once: true });
        }),
      ]);
    } catch (error) {
      if (isKilnError(error)) {
        return { success: false, message: error.message, ...(error.details ? { details: error.details } : {}) };
      }
      return { success: false, message: `${name} failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }
}
