import type { FieldSpec } from '../../../shared/vault/catalog';
import { isSecretField } from '../../../shared/vault/catalog';
import { Button } from '../../components/Button';
import { Field, PasswordInput, TextInput } from '../../components/Field';
import { SecretBadge } from './SecretBadge';
import type { useDatasourceForm } from './useDatasourceForm';

type Form = ReturnType<typeof useDatasourceForm>;

/** One catalog field: a text input, or a secret input that starts empty and can clear what is stored. */
export function CatalogField({ f, form, editing }: { f: FieldSpec; form: Form; editing: boolean }) {
  if (!f.secret) {
    return (
      <Field label={`${f.label}${f.required ? ' *' : ''}`} hint={f.help}>
        {(id, describedBy) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            value={form.plain[f.name] ?? ''}
            placeholder={f.placeholder ?? f.defaultValue}
            inputMode={f.kind === 'number' ? 'numeric' : undefined}
            onChange={(e) => form.setPlainValue(f.name, e.target.value)}
          />
        )}
      </Field>
    );
  }
  const stored = form.isStored(f.name);
  const hint = (
    <>
      <SecretBadge set={stored} />
      {editing && stored ? ' Leave empty to keep the stored value.' : ''}
      {f.help ? ` ${f.help}` : ''}
    </>
  );
  return (
    <Field label={`${f.label}${f.required && !editing ? ' *' : ''}`} hint={hint}>
      {(id, describedBy) => (
        <div className="ds-secret-actions">
          {f.kind === 'multiline-secret' ? (
            <textarea
              id={id}
              aria-describedby={describedBy}
              className="input secret-textarea"
              spellCheck={false}
              autoComplete="off"
              value={form.secretDraft[f.name] ?? ''}
              onChange={(e) => form.setSecretValue(f.name, e.target.value)}
            />
          ) : (
            <PasswordInput
              id={id}
              aria-describedby={describedBy}
              value={form.secretDraft[f.name] ?? ''}
              placeholder={stored ? '••••••••' : ''}
              onChange={(e) => form.setSecretValue(f.name, e.target.value)}
            />
          )}
          {stored && (
            <Button variant="ghost" aria-label={`Clear ${f.label}`} onClick={() => form.clearSecret(f.name)}>
              Clear
            </Button>
          )}
        </div>
      )}
    </Field>
  );
}

/** Free-form engines: name / value rows, each secret by its name or by the user's tick. */
export function ExtraFields({ form, editing }: { form: Form; editing: boolean }) {
  return (
    <fieldset className="ds-generic">
      <legend>{editing ? 'Add fields' : 'Fields'}</legend>
      {form.extra.map((row, i) => {
        const byName = row.name !== '' && isSecretField(form.engine, row.name);
        const secret = byName || row.secret;
        const Value = secret ? PasswordInput : TextInput;
        return (
          <div className="ds-generic-row" key={row.key}>
            <Field label="Field name" hint={byName ? 'Secret by its name (keychain)' : undefined}>
              {(id, describedBy) => (
                <TextInput id={id} aria-describedby={describedBy} value={row.name} placeholder="host" onChange={(e) => form.updateRow(row.key, { name: e.target.value })} />
              )}
            </Field>
            <Field label="Value">{(id) => <Value id={id} value={row.value} onChange={(e) => form.updateRow(row.key, { value: e.target.value })} />}</Field>
            <label className="ds-secret-toggle">
              <input type="checkbox" checked={secret} disabled={byName} onChange={(e) => form.updateRow(row.key, { secret: e.target.checked })} /> Secret
            </label>
            <Button variant="ghost" aria-label={`Remove field ${row.name || i + 1}`} onClick={() => form.removeRow(row.key)}>
              Remove
            </Button>
          </div>
        );
      })}
      <Button onClick={form.addRow}>Add field</Button>
    </fieldset>
  );
}
