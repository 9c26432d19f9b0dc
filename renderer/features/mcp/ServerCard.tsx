import { useEffect, useState } from 'react';
import { mcpPermissions, type McpPermission, type McpServerView } from '../../../shared/contract/mcp';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';

const permissionLabel: Record<McpPermission, string> = { ask: 'Ask', always: 'Always allow', never: 'Never' };

/** One line that says how the server is doing. */
export function statusLine(s: McpServerView): string {
  if (s.state === 'disabled') return 'Off';
  if (s.state === 'connecting') return 'Connecting…';
  if (s.state === 'connected') return `Connected · ${s.tools.length} tool${s.tools.length === 1 ? '' : 's'}`;
  return `Error: ${s.lastError ?? 'not connected'}`;
}

interface Props {
  server: McpServerView;
  onEdit(): void;
  onDelete(): void;
}

/** A server in Settings → Tools: status, on/off, restart, its tools with their permission. */
export function ServerCard({ server: s, onEdit, onDelete }: Props) {
  const [error, setError] = useState<string | null>(null);
  // The switch moves at once; main's answer (stopping a server takes a moment) confirms it.
  const [switching, setSwitching] = useState<boolean | null>(null);
  useEffect(() => setSwitching(null), [s.enabled]);
  const run = (p: Promise<unknown>): void => {
    setError(null);
    p.catch((e: unknown) => {
      setSwitching(null);
      setError(errorMessage(e));
    });
  };
  const where = s.transport === 'stdio' ? [s.command, ...s.args].join(' ') : s.url;
  return (
    <li className="ds-item mcp-server" aria-label={`MCP server ${s.name}`}>
      <div className="ds-item-main">
        <h3 className="ds-item-title">
          {s.name}
          {s.source === 'environment' && <span className="mcp-badge">from KILN_MCP_CONFIG</span>}
        </h3>
        <div className="ds-item-meta">
          {s.transport === 'stdio' ? 'Local command' : 'URL'} · <code>{where}</code>
        </div>
        <div className={`mcp-status mcp-status-${s.state}`} role="status">
          <span className="mcp-dot" aria-hidden="true" /> {statusLine(s)}
        </div>
        {s.tools.length > 0 && (
          <details className="mcp-tools">
            <summary>Tools and permissions</summary>
            <ul>
              {s.tools.map((t) => (
                <li key={t.name}>
                  <div>
                    <code>{t.name}</code>
                    {t.description && <span className="muted"> — {t.description.slice(0, 140)}</span>}
                  </div>
                  <select
                    className="input"
                    aria-label={`Permission for ${t.name}`}
                    value={t.permission}
                    onChange={(e) => run(api.call('mcp.setPermission', { server: s.name, tool: t.name, permission: e.target.value as McpPermission }))}
                  >
                    {mcpPermissions.map((p) => (
                      <option key={p} value={p}>
                        {permissionLabel[p]}
                      </option>
                    ))}
                  </select>
                </li>
              ))}
            </ul>
          </details>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="ds-item-actions">
        <label className="mcp-switch">
          <input
            type="checkbox"
            role="switch"
            aria-checked={switching ?? s.enabled}
            aria-label={`Enable ${s.name}`}
            checked={switching ?? s.enabled}
            onChange={(e) => {
              setSwitching(e.target.checked);
              run(api.call('mcp.setEnabled', { name: s.name, enabled: e.target.checked }));
            }}
          />
          On
        </label>
        <Button aria-label={`Restart ${s.name}`} disabled={!s.enabled} onClick={() => run(api.call('mcp.restart', { name: s.name }))}>
          Restart
        </Button>
        {s.source === 'settings' && (
          <>
            <Button aria-label={`Edit ${s.name}`} onClick={onEdit}>
              Edit
            </Button>
            <Button variant="danger" aria-label={`Delete ${s.name}`} onClick={onDelete}>
              Delete
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
