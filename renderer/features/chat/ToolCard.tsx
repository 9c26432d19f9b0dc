import type { Block } from '../../../shared/chat/reducer';
import { MCP_TOOL_SEPARATOR } from '../../../shared/contract/mcp';
import { PermissionPrompt } from '../mcp/PermissionPrompt';

type ToolBlock = Extract<Block, { kind: 'tool' }>;

const statusLabel: Record<ToolBlock['status'], string> = {
  running: 'Running',
  ok: 'Done',
  error: 'Failed',
  cancelled: 'Stopped',
};

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The most telling argument, shown on the collapsed card (a path, a slug, a name). */
function hint(args: string): string {
  try {
    const a = JSON.parse(args) as Record<string, unknown>;
    const v = a.path ?? a.name ?? a.slug;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

function message(result: string | undefined): string {
  if (!result) return '';
  try {
    const m = (JSON.parse(result) as { message?: unknown }).message;
    return typeof m === 'string' ? m : '';
  } catch {
    return result.slice(0, 200);
  }
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One tool step: a compact, keyboard-operable <details> with status, duration and result. */
export function ToolCard({ block }: { block: ToolBlock }) {
  const h = hint(block.args);
  const msg = message(block.result);
  // An MCP tool (`server__tool`) shows its server's name.
  const [server, tool] = block.name.includes(MCP_TOOL_SEPARATOR) ? block.name.split(MCP_TOOL_SEPARATOR, 2) : [null, block.name];
  return (
    <>
      <details className={`tool-card tool-${block.status}`}>
        <summary>
          <span className="tool-status" aria-label={statusLabel[block.status]} title={statusLabel[block.status]}>
            {block.status === 'running' ? <span className="tool-spinner" aria-hidden="true" /> : block.status === 'ok' ? '✓' : block.status === 'error' ? '!' : '■'}
          </span>
          <span className="tool-name">
            {server && <span className="tool-server">{server} ›</span>}
            {tool}
          </span>
          {h && <span className="tool-hint">{h}</span>}
          {msg && block.status !== 'ok' && <span className="tool-msg">{msg}</span>}
          <span className="tool-duration">{formatDuration(block.durationMs)}</span>
        </summary>
        <div className="tool-body">
          <div className="tool-label">Arguments</div>
          <pre>{pretty(block.args)}</pre>
          {block.result !== undefined && (
            <>
              <div className="tool-label">Result</div>
              <pre>{pretty(block.result)}</pre>
            </>
          )}
        </div>
      </details>
      {block.status === 'running' && <PermissionPrompt callId={block.callId} />}
    </>
  );
}
