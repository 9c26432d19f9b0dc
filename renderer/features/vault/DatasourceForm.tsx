import { datasourceCreateSchema, type DatasourceView } from '../../../shared/contract/vault';
import { ENGINES } from '../../../shared/vault/catalog';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field, TextInput } from '../../components/Field';
import { firstLimitProblem } from '../../components/limits';
import { TestResultLine } from './ConnectionBadge';
import { CatalogField, ExtraFields } from './DatasourceFields';
import { useDatasourceForm } from './useDatasourceForm';

interface Props {
  /** Absent: create a new datasource. */
  existing?: DatasourceView;
  onClose(): void;
  onSaved(ds: DatasourceView): void;
}

/**
 * Add or edit a datasource from the engine catalog. Secret inputs start empty: on edit an
 * empty secret input keeps the stored value, "Clear" removes it, typing replaces it.
 */
export function DatasourceForm({ existing, onClose, onSaved }: Props) {
  const form = useDatasourceForm(existing, onSaved);
  const editing = existing !== undefined;
  const value = datasourceCreateSchema.shape.fields.unwrap().valueType;
  const tooLong = firstLimitProblem([
    [form.label.trim(), datasourceCreateSchema.shape.label, 'The name'],
    ...Object.entries({ ...form.plain, ...form.secretDraft }).map(([k, v]) => [v, value, `The value of ${k}`] as const),
    ...form.extra.map((r) => [r.value, value, `The value of ${r.name.trim() || 'a field'}`] as const),
  ]);
  const problem = tooLong ?? form.error;
  return (
    <Dialog
      open
      wide
      title={existing ? `Edit ${existing.label}` : 'Add a datasource'}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          {form.isTestable && (
            <Button onClick={form.testConnection} disabled={form.busy || tooLong !== null}>
              Test connection
            </Button>
          )}
          <Button variant="primary" type="submit" form="datasource-form" disabled={form.busy || form.label.trim() === '' || tooLong !== null}>
            {existing ? 'Save changes' : 'Add datasource'}
          </Button>
        </>
      }
    >
      <form
        id="datasource-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!tooLong) form.submit();
        }}
      >
        {!existing ? (
          <Field label="Type" hint={form.spec?.description}>
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} className="input" value={form.engine} onChange={(e) => form.changeEngine(e.target.value)}>
                {ENGINES.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <p className="muted">
            {form.spec?.label ?? existing.engine} · <code>{existing.slug}</code>
          </p>
        )}
        <Field label="Name *" hint="How you and the agent refer to this connection; must be unique.">
          {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={form.label} onChange={(e) => form.setLabel(e.target.value)} />}
        </Field>
        {form.fields.map((f) => (
          <CatalogField key={f.name} f={f} form={form} editing={editing} />
        ))}
        {form.freeForm && <ExtraFields form={form} editing={editing} />}
        {existing && (
          <p className="ds-env">
            Environment prefix for backends: <code>{existing.envPrefix}__…</code>
          </p>
        )}
        {form.isTestable && (form.testing || form.test) && !form.askSaveAnyway && <TestResultLine result={form.test} busy={form.testing} />}
        {form.askSaveAnyway && form.test && (
          <div className="ds-save-anyway" role="group" aria-label="Save anyway?">
            <p className="error-text">The connection test failed: {form.test.message}</p>
            <p>Save this datasource anyway? Apps that use it will fail until the connection works.</p>
            <div className="ds-save-anyway-actions">
              <Button variant="danger" onClick={form.saveAnyway} disabled={form.busy}>
                Save anyway
              </Button>
              <Button onClick={form.keepEditing}>Keep editing</Button>
            </div>
          </div>
        )}
        {problem && (
          <p className="error-text" role="alert">
            {problem}
          </p>
        )}
      </form>
    </Dialog>
  );
}
