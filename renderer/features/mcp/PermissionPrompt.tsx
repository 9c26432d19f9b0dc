import './mcp.css';
import { useState } from 'react';
import type { McpDecision } from '../../../shared/contract/mcp';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { useMcp } from './store';

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Shown on a tool card while an MCP call waits for the user (permission "ask"): the arguments,
 * then Allow once (for the rest of this conversation) / Always / Deny.
 */
export function PermissionPrompt({ callId }: { callId: string }) {
  const request = useMcp((s) => s.pending.find((p) => p.callId === callId));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!request) return null;
  const answer = (decision: McpDecision): void => {
    setBusy(true);
    setError(null);
    api
      .call('mcp.answerPermission', { id: request.id, decision })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="mcp-prompt" role="group" aria-label={`Allow ${request.tool} from ${request.server}?`}>
      <div className="mcp-prompt-title">
        Allow <strong>{request.tool}</strong> from the MCP server <strong>{request.server}</strong>?
      </div>
      <pre className="mcp-prompt-args">{pretty(request.args)}</pre>
      <div className="mcp-prompt-actions">
        <Button variant="primary" disabled={busy} onClick={() => answer('once')} title="Allow this tool for the rest of this conversation">
          Allow once
        </Button>
        <Button disabled={busy} onClick={() => answer('always')} title="Always allow this tool (change it in Settings → Tools)">
          Always
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => answer('deny')}>
          Deny
        </Button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
