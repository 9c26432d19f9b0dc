import { useEffect, useState } from 'react';
import type { McpServerView } from '../../../../shared/contract/mcp';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { EmptyState } from '../../../components/EmptyState';
import { Spinner } from '../../../components/Spinner';
import { useAsyncAction } from '../../../hooks/useAsyncAction';
import { useShell } from '../../../stores/shell';
import { ImportDialog } from '../../mcp/ImportDialog';
import { ServerCard } from '../../mcp/ServerCard';
import { ServerForm } from '../../mcp/ServerForm';
import { useMcp } from '../../mcp/store';
import '../../vault/vault.css';
import '../../mcp/mcp.css';

type Editing = { mode: 'create' } | { mode: 'edit'; server: McpServerView } | null;

/** Settings → Tools (MCP): the user's MCP servers, their status, tools and permissions; import. */
export function ToolsSection() {
  const servers = useMcp((s) => s.servers);
  const listError = useMcp((s) => s.listError);
  const load = useMcp((s) => s.load);
  const notify = useShell((s) => s.notify);
  const [editing, setEditing] = useState<Editing>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<McpServerView | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const { busy, run: remove } = useAsyncAction(
    async (server: McpServerView) => {
      try {
        await api.call('mcp.delete', { name: server.name });
      } finally {
        setDeleting(null);
      }
      notify({ level: 'success', message: `Removed ${server.name}.` });
      await load();
    },
    { onError: (e) => notify({ level: 'error', message: e.message }) },
  );

  return (
    <div>
      <p className="muted">
        MCP servers give the agent your own tools and data — a warehouse, tickets, files. Their tools are offered to the agent as{' '}
        <code>server__tool</code>; by default it asks you before the first call of each tool in a conversation.
      </p>
      <div className="vault-section-actions">
        <Button variant="primary" onClick={() => setEditing({ mode: 'create' })}>
          Add server
        </Button>
        <Button onClick={() => setImporting(true)}>Import mcpServers JSON…</Button>
      </div>
      {listError && (
        <p className="error-text" role="alert">
          {listError}
        </p>
      )}
      {!servers && !listError && <Spinner label="Loading MCP servers" />}
      {servers && servers.length === 0 && (
        <EmptyState icon="database" title="No MCP servers yet">
          Add a local command or a URL, or import the servers you set up in Claude Desktop or Cursor.
        </EmptyState>
      )}
      {servers && servers.length > 0 && (
        <ul className="ds-list" aria-label="MCP servers">
          {servers.map((s) => (
            <ServerCard key={s.name} server={s} onEdit={() => setEditing({ mode: 'edit', server: s })} onDelete={() => setDeleting(s)} />
          ))}
        </ul>
      )}
      {editing && (
        <ServerForm
          {...(editing.mode === 'edit' ? { existing: editing.server } : {})}
          onClose={() => setEditing(null)}
          onSaved={(view) => {
            setEditing(null);
            notify({ level: 'success', message: editing.mode === 'edit' ? `Saved ${view.name}.` : `Added ${view.name}.` });
            void load();
          }}
        />
      )}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={(result) => {
            setImporting(false);
            const skipped = result.skipped.map((s) => `${s.name} (${s.reason})`).join('; ');
            notify({
              level: result.added.length > 0 ? 'success' : 'warning',
              message: `Imported ${result.added.length} MCP server(s).${skipped ? ` Skipped: ${skipped}.` : ''}`,
            });
            void load();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Remove MCP server?"
        message={deleting ? `“${deleting.name}” is stopped and removed, with its secrets in the keychain.` : ''}
        confirmLabel="Remove"
        danger
        busy={busy}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && void remove(deleting)}
      />
    </div>
  );
}
