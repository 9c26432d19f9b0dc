import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * An MCP tool result as text the model can read: text parts as they are, structured content as
 * JSON, images and audio as a short note (the model gets no binary), embedded resources by
 * their text or URI. Capped (head + tail with a note saying how much was cut), so a server that
 * returns megabytes can't flood the model or the chat log.
 */
export const MCP_RESULT_MAX_CHARS = 16_000;

type Part = CallToolResult['content'][number];

function partText(part: Part): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
      return `[image ${part.mimeType}, ${Math.round((part.data.length * 3) / 4 / 1024)} KB — not shown to you]`;
    case 'audio':
      return `[audio ${part.mimeType} — not shown to you]`;
    case 'resource_link':
      return `[resource ${part.uri}${part.name ? ` (${part.name})` : ''}]`;
    case 'resource': {
      const r = part.resource as { uri: string; text?: string; mimeType?: string };
      return typeof r.text === 'string' ? r.text : `[binary resource ${r.uri}${r.mimeType ? `, ${r.mimeType}` : ''}]`;
    }
    default:
      return '';
  }
}

export function resultText(result: CallToolResult): string {
  const parts = (Array.isArray(result.content) ? result.content : []).map(partText).filter((t) => t !== '');
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}

export function capResult(text: string, max = MCP_RESULT_MAX_CHARS): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const head = Math.floor(max * 0.8);
  const tail = max - head;
  return {
    text: `${text.slice(0, head)}\n…[MCP result cut: the tool returned ${text.length.toLocaleString('en-US')} characters, only the first ${head.toLocaleString('en-US')} and the last ${tail.toLocaleString('en-US')} are shown. Ask the tool for less (a filter, a limit, a page) if you need the middle.]…\n${text.slice(-tail)}`,
    truncated: true,
  };
}
