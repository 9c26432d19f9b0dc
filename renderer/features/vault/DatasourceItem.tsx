import { isTestableEngine } from '../../../shared/contract/datasources';
import type { DatasourceView } from '../../../shared/contract/vault';
import { engineSpec } from '../../../shared/vault/catalog';
import { Button } from '../../components/Button';
import { ConnectionBadge } from './ConnectionBadge';
import { SecretBadge } from './SecretBadge';

interface Props {
  ds: DatasourceView;
  testing: boolean;
  onTest(): void;
  onEdit(): void;
  onDelete(): void;
}

/** One datasource in Settings → Datasources: what it is, its secrets (set or not), its connection status and actions. */
export function DatasourceItem({ ds, testing, onTest, onEdit, onDelete }: Props) {
  const testable = isTestableEngine(ds.engine);
  const where = ds.fields.host ?? ds.fields.base_url ?? ds.fields.path;
  return (
    <li className="ds-item">
      <div className="ds-item-main">
        <h3 className="ds-item-title">{ds.label}</h3>
        <div className="ds-item-meta">
          {engineSpec(ds.engine)?.label ?? ds.engine} · <code>{ds.slug}</code>
          {where ? ` · ${where}` : ''}
        </div>
        {Object.keys(ds.secrets).length > 0 && (
          <div className="ds-item-secrets">
            {Object.entries(ds.secrets).map(([field, set]) => (
              <span key={field}>
                {field}: <SecretBadge set={set} />
              </span>
            ))}
          </div>
        )}
        <div className="ds-item-status" aria-label={`Connection status of ${ds.label}`} role="group">
          {testable ? <ConnectionBadge status={ds.connection} testing={testing} /> : <span className="muted">No driver in Kiln yet: can't be tested.</span>}
          {testable && !testing && ds.connection.state === 'failing' && ds.connection.message && (
            <span className="ds-item-status-message">{ds.connection.message}</span>
          )}
        </div>
      </div>
      <div className="ds-item-actions">
        {testable && (
          <Button aria-label={`Test connection to ${ds.label}`} onClick={onTest} disabled={testing}>
            {testing ? 'Testing…' : 'Test'}
          </Button>
        )}
        <Button aria-label={`Edit ${ds.label}`} onClick={onEdit}>
          Edit
        </Button>
        <Button variant="danger" aria-label={`Delete ${ds.label}`} onClick={onDelete}>
          Delete
        </Button>
      </div>
    </li>
  );
}
