import { useEffect, useState } from 'react';
import type { DatasourceView } from '../../../../shared/contract/vault';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { EmptyState } from '../../../components/EmptyState';
import { Spinner } from '../../../components/Spinner';
import { useAsyncAction } from '../../../hooks/useAsyncAction';
import { useShell } from '../../../stores/shell';
import { DatasourceForm } from '../../vault/DatasourceForm';
import { ImportDialog } from '../../vault/ImportDialog';
import { DatasourceItem } from '../../vault/DatasourceItem';
import { useConnectionTests } from '../../vault/useConnectionTests';
import { useVault } from '../../vault/store';
import '../../vault/vault.css';

type Editing = { mode: 'create' } | { mode: 'edit'; ds: DatasourceView } | null;

/** Settings → Datasources: list, add from the catalog, edit, delete with confirmation, import from anton. */
export function DatasourcesSection() {
  const list = useVault((s) => s.datasources);
  const listError = useVault((s) => s.listError);
  const load = useVault((s) => s.loadDatasources);
  const notify = useShell((s) => s.notify);
  const [editing, setEditing] = useState<Editing>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<DatasourceView | null>(null);
  const tests = useConnectionTests();

  useEffect(() => {
    void load();
  }, [load]);

  const { busy, run: remove } = useAsyncAction(
    async (ds: DatasourceView) => {
      try {
        await api.call('vault.delete', { slug: ds.slug });
      } finally {
        setDeleting(null);
      }
      notify({ level: 'success', message: `Deleted ${ds.label}.` });
      await load();
    },
    { onError: (e) => notify({ level: 'error', message: e.message }) },
  );

  return (
    <div>
      <p className="muted">
        Connections your apps can use. Plain fields are stored in the workspace; passwords, tokens and keys go to the OS
        keychain and are never shown again. A backend gets only the <code>DS_*</code> variables of the datasources it declares.
      </p>
      <div className="vault-section-actions">
        <Button variant="primary" onClick={() => setEditing({ mode: 'create' })}>
          Add datasource
        </Button>
        <Button onClick={() => setImporting(true)}>Import from anton…</Button>
      </div>
      {listError && (
        <p className="error-text" role="alert">
          {listError}
        </p>
      )}
      {!list && !listError && <Spinner label="Loading datasources" />}
      {list && list.length === 0 && (
        <EmptyState icon="database" title="No datasources yet">
          Add a database or API connection, or import the ones you set up in anton.
        </EmptyState>
      )}
      {list && list.length > 0 && (
        <ul className="ds-list" aria-label="Datasources">
          {list.map((ds) => (
            <DatasourceItem
              key={ds.slug}
              ds={ds}
              testing={tests.testing.has(ds.slug)}
              onTest={() => void tests.test(ds)}
              onEdit={() => setEditing({ mode: 'edit', ds })}
              onDelete={() => setDeleting(ds)}
            />
          ))}
        </ul>
      )}
      {editing && (
        <DatasourceForm
          {...(editing.mode === 'edit' ? { existing: editing.ds } : {})}
          onClose={() => setEditing(null)}
          onSaved={(ds) => {
            setEditing(null);
            notify({ level: 'success', message: editing.mode === 'edit' ? `Saved ${ds.label}.` : `Added ${ds.label}.` });
            // The saved values get their status (ok / failing, with when) like a click on Test.
            void load().then(() => tests.test(ds));
          }}
        />
      )}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={(result) => {
            setImporting(false);
            const skipped = result.skipped.length > 0 ? ` ${result.skipped.length} skipped.` : '';
            notify({ level: 'success', message: `Imported ${result.imported.length} datasource(s) from anton.${skipped} Use Test to check each connection.` });
            void load();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete datasource?"
        message={
          deleting
            ? `“${deleting.label}” and its secrets in the keychain will be deleted. Apps that use ${deleting.slug} will stop getting its variables.`
            : ''
        }
        confirmLabel="Delete"
        danger
        busy={busy}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && void remove(deleting)}
      />
    </div>
  );
}
