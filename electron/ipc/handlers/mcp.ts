import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type McpChannels =
  | 'mcp.list'
  | 'mcp.save'
  | 'mcp.delete'
  | 'mcp.setEnabled'
  | 'mcp.restart'
  | 'mcp.import'
  | 'mcp.setPermission'
  | 'mcp.permissions'
  | 'mcp.answerPermission';

/** Thin: the router validated the input; the MCP service checks the rest and keeps secrets in the keychain. */
export function mcpHandlers(s: Services): Pick<HandlerMap, McpChannels> {
  return {
    'mcp.list': () => s.mcp.list(),
    'mcp.save': ({ server, previousName }) => s.mcp.save(server, previousName),
    'mcp.delete': ({ name }) => s.mcp.delete(name),
    'mcp.setEnabled': ({ name, enabled }) => s.mcp.setEnabled(name, enabled),
    'mcp.restart': ({ name }) => s.mcp.restart(name),
    'mcp.import': ({ text }) => s.mcp.import(text),
    'mcp.setPermission': ({ server, tool, permission }) => s.mcp.setPermission(server, tool, permission),
    'mcp.permissions': () => s.mcp.permissions(),
    'mcp.answerPermission': ({ id, decision }) => s.mcp.answerPermission(id, decision),
  };
}
