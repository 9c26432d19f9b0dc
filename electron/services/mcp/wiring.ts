import type { DisposableStore } from '../../../shared/lib/emitter';
import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { NoticeLog } from '../notices/notice-log';
import { McpService, type McpServiceDeps } from './mcp-service';

export interface McpWiring extends Omit<McpServiceDeps, 'connection'> {
  events: EventBus;
  shutdown: ShutdownRegistry;
  notices: NoticeLog;
  subscriptions: DisposableStore;
}

/** Builds and starts the MCP service once (called by the composition root, before the agent). */
export async function createMcpService(w: McpWiring): Promise<McpService> {
  const mcp = new McpService(w);
  w.subscriptions.add(mcp.onChanged((list) => w.events.emit('mcp.changed', list)));
  w.subscriptions.add(mcp.onPermissions((pending) => w.events.emit('mcp.permissions', pending)));
  // Stops every server (whole process groups) on quit; the agent's turns end before it.
  w.shutdown.register('mcp', () => mcp.stopAll());
  for (const problem of await mcp.start()) w.notices.add('warning', problem.message, problem.details);
  return mcp;
}
