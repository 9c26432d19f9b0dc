import { z } from 'zod';
import type { ChatCompletionTool } from '../model-client';
import type { ToolContext, ToolDef, ToolResult } from './types';

/**
 * The tools of the user's MCP servers, next to Kiln's own: `<server>__<tool>` with the
 * server's JSON schema. They change while Kiln runs (a server connects, is turned off, lists
 * new tools), so the registry asks this source on every model call instead of fixing them once.
 */
export interface DynamicTools {
  forModel(): ChatCompletionTool[];
  find(name: string): ToolDef | undefined;
}

export interface McpToolsPort {
  agentTools(): { qualified: string; server: string; tool: string; description: string; inputSchema: Record<string, unknown> }[];
  callForAgent(
    qualified: string,
    args: Record<string, unknown>,
    ctx: { conversationId: string; turnId: string; callId?: string; signal: AbortSignal },
  ): Promise<ToolResult>;
}

// The server checks the arguments against its own schema; here they only need to be an object.
const anyObject = z.record(z.string(), z.unknown());

/**
 * Waiting for the user's Allow/Deny must not count as the tool being slow: the server's own
 * timeout (Settings → Tools) is applied to the call itself, inside `callForAgent`.
 */
const NO_REGISTRY_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export function mcpToolSource(port: McpToolsPort): DynamicTools {
  return {
    forModel: () =>
      port.agentTools().map((t) => {
        const { $schema: _ignored, ...parameters } = t.inputSchema;
        return {
          type: 'function' as const,
          function: {
            name: t.qualified,
            description: `[MCP server "${t.server}", tool "${t.tool}"] ${t.description}`.slice(0, 1024),
            parameters: { type: 'object', properties: {}, ...parameters },
          },
        };
      }),
    find: (name) => {
      const t = port.agentTools().find((x) => x.qualified === name);
      if (!t) return undefined;
      return {
        name: t.qualified,
        description: t.description,
        schema: anyObject,
        timeoutMs: NO_REGISTRY_TIMEOUT_MS,
        run: (args: unknown, ctx: ToolContext) =>
          port.callForAgent(t.qualified, args as Record<string, unknown>, {
            conversationId: ctx.conversationId,
            turnId: ctx.turnId,
            ...(ctx.callId ? { callId: ctx.callId } : {}),
            signal: ctx.signal,
          }),
      };
    },
  };
}

/** The system prompt's list of MCP servers and their tools (names only). */
export function describeMcpServers(port: McpToolsPort | undefined): string {
  const tools = port?.agentTools() ?? [];
  if (tools.length === 0) return 'No MCP servers are connected. If the user wants to use one, ask them to add it in Settings → Tools.';
  const byServer = new Map<string, string[]>();
  for (const t of tools) byServer.set(t.server, [...(byServer.get(t.server) ?? []), `\`${t.qualified}\``]);
  return [
    'Connected MCP servers and their tools:',
    ...[...byServer].map(([server, names]) => `- ${server}: ${names.slice(0, 40).join(', ')}${names.length > 40 ? ` … and ${names.length - 40} more` : ''}`),
  ].join('\n');
}
