import { useMemo, useState } from 'react';
import type { DatasourceView } from '../../../shared/contract/vault';
import { ENGINES, engineSpec, isSecretField, type FieldSpec } from '../../../shared/vault/catalog';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field, PasswordInput, TextInput } from '../../components/Field';
import { SecretBadge } from './SecretBadge';

interface Props {
  /** Absent: create a new datasource. */
  existing?: DatasourceView;
  onClose(): void;
  onSaved(ds: DatasourceView): void;
}

interface ExtraRow {
  key: number;
  name: string;
  value: string;
  /** Marked secret by the user (names like "password" are secret anyway). */
  secret: boolean;
}

let rowKey = 0;

/**
 * Add or edit a datasource from the engine catalog. Secret inputs start empty: on edit an
 * empty secret input keeps the stored value, "Clear" removes it, typing replaces it.
 */
export function DatasourceForm({ existing, onClose, onSaved }: Props) {
  const [engine, setEngine] = useState(existing?.engine ?? 'postgres');
  const spec = engineSpec(engine);
  const freeForm = !spec || spec.freeForm;
  const [label, setLabel] = useState(existing?.label ?? '');
  const [plain, setPlain] = useState<Record<string, string>>(() => ({ ...(existing?.fields ?? {}) }));
  const [secretDraft, setSecretDraft] = useState<Record<string, string>>({});
  const [cleared, setCleared] = useState<Set<string>>(new Set());
  const [extra, setExtra] = useState<ExtraRow[]>(() => (existing ? [] : [{ key: rowKey++, name: '', value: '', secret: false }]));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Catalog fields, plus any extra field an imported record carries.
  const fields: FieldSpec[] = useMemo(() => {
    const known = spec && !spec.freeForm ? spec.fields : [];
    const names = new Set(known.map((f) => f.name));
    const more: FieldSpec[] = [];
    for (const name of [...Object.keys(existing?.fields ?? {}), ...Object.keys(existing?.secrets ?? {})]) {
      if (names.has(name)) continue;
      names.add(name);
      const secret = existing?.secrets[name] !== undefined;
      more.push({ name, label: name, kind: secret ? 'secret' : 'text', secret, required: false });
    }
    return [...known, ...more];
  }, [spec, existing]);

  const changeEngine = (next: string): void => {
    setEngine(next);
    const nextSpec = engineSpec(next);
    const defaults: Record<string, string> = {};
    for (const f of nextSpec?.fields ?? []) if (f.defaultValue !== undefined) defaults[f.name] = f.defaultValue;
    setPlain(defaults);
    setSecretDraft({});
  };

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const extraFields: Record<string, string> = {};
      const markedSecret: string[] = [];
      for (const row of extra) {
        const name = row.name.trim();
        if (name === '') continue;
        extraFields[name] = row.value;
        if (row.secret && !isSecretField(engine, name)) markedSecret.push(name);
      }
      const secretOpt = markedSecret.length > 0 ? { secret: markedSecret } : {};
      let saved: DatasourceView;
      if (!existing) {
        const values: Record<string, string> = { ...plain, ...extraFields };
        for (const [k, v] of Object.entries(secretDraft)) if (v !== '') values[k] = v;
        saved = await api.call('vault.create', { engine, label, fields: values, ...secretOpt });
      } else {
        const changes: Record<string, string | null> = { ...extraFields };
        for (const [k, v] of Object.entries(plain)) if (v !== (existing.fields[k] ?? '')) changes[k] = v === '' ? null : v;
        for (const [k, v] of Object.entries(secretDraft)) if (v !== '') changes[k] = v;
        for (const k of cleared) changes[k] = '';
        saved = await api.call('vault.update', {
          slug: existing.slug,
          ...(label !== existing.label ? { label } : {}),
          ...(Object.keys(changes).length > 0 ? { fields: changes } : {}),
          ...secretOpt,
        });
      }
      // Drop typed secrets from memory as soon as main has them.
      setSecretDraft({});
      onSaved(saved);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const renderField = (f: FieldSpec) => {
    if (!f.secret) {
      return (
        <Field key={f.name} label={`${f.label}${f.required ? ' *' : ''}`} hint={f.help}>
          {(id, describedBy) => (
            <TextInput
              id={id}
              aria-describedby={describedBy}
              value={plain[f.name] ?? ''}
              placeholder={f.placeholder ?? f.defaultValue}
              inputMode={f.kind === 'number' ? 'numeric' : undefined}
              onChange={(e) => setPlain({ ...plain, [f.name]: e.target.value })}
            />
          )}
        </Field>
      );
    }
    const stored = existing?.secrets[f.name] === true && !cleared.has(f.name);
    const hint = (
      <>
        <SecretBadge set={stored} />
        {existing && stored ? ' Leave empty to keep the stored value.' : ''}
        {f.help ? ` ${f.help}` : ''}
      </>
    );
    return (
      <Field key={f.name} label={`${f.label}${f.required && !existing ? ' *' : ''}`} hint={hint}>
        {(id, describedBy) => (
          <div className="ds-secret-actions">
            {f.kind === 'multiline-secret' ? (
              <textarea
                id={id}
                aria-describedby={describedBy}
                className="input secret-textarea"
                spellCheck={false}
                autoComplete="off"
                value={secretDraft[f.name] ?? ''}
                onChange={(e) => setSecretDraft({ ...secretDraft, [f.name]: e.target.value })}
              />
            ) : (
              <PasswordInput
                id={id}
                aria-describedby={describedBy}
                value={secretDraft[f.name] ?? ''}
                placeholder={stored ? '••••••••' : ''}
                onChange={(e) => setSecretDraft({ ...secretDraft, [f.name]: e.target.value })}
              />
            )}
            {stored && (
              <Button
                variant="ghost"
                aria-label={`Clear ${f.label}`}
                onClick={() => {
                  setCleared(new Set(cleared).add(f.name));
                  setSecretDraft({ ...secretDraft, [f.name]: '' });
                }}
              >
                Clear
              </Button>
            )}
          </div>
        )}
      </Field>
    );
  };

  return (
    <Dialog
      open
      wide
      title={existing ? `Edit ${existing.label}` : 'Add a datasource'}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="datasource-form" disabled={busy || label.trim() === ''}>
            {existing ? 'Save changes' : 'Add datasource'}
          </Button>
        </>
      }
    >
      <form
        id="datasource-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {!existing ? (
          <Field label="Type" hint={spec?.description}>
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} className="input" value={engine} onChange={(e) => changeEngine(e.target.value)}>
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
            {spec?.label ?? existing.engine} · <code>{existing.slug}</code>
          </p>
        )}
        <Field label="Name *" hint="How you and the agent refer to this connection; must be unique.">
          {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={label} onChange={(e) => setLabel(e.target.value)} />}
        </Field>
        {fields.map(renderField)}
        {freeForm && (
          <fieldset className="ds-generic">
            <legend>{existing ? 'Add fields' : 'Fields'}</legend>
            {extra.map((row, i) => {
              const byName = row.name !== '' && isSecretField(engine, row.name);
              const secret = byName || row.secret;
              return (
                <div className="ds-generic-row" key={row.key}>
                  <Field label="Field name" hint={byName ? 'Secret by its name (keychain)' : undefined}>
                    {(id, describedBy) => (
                      <TextInput
                        id={id}
                        aria-describedby={describedBy}
                        value={row.name}
                        placeholder="host"
                        onChange={(e) => setExtra(extra.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
                      />
                    )}
                  </Field>
                  <Field label="Value">
                    {(id) =>
                      secret ? (
                        <PasswordInput id={id} value={row.value} onChange={(e) => setExtra(extra.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} />
                      ) : (
                        <TextInput id={id} value={row.value} onChange={(e) => setExtra(extra.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} />
                      )
                    }
                  </Field>
                  <label className="ds-secret-toggle">
                    <input
                      type="checkbox"
                      checked={secret}
                      disabled={byName}
                      onChange={(e) => setExtra(extra.map((r, j) => (j === i ? { ...r, secret: e.target.checked } : r)))}
                    />{' '}
                    Secret
                  </label>
                  <Button variant="ghost" aria-label={`Remove field ${row.name || i + 1}`} onClick={() => setExtra(extra.filter((_, j) => j !== i))}>
                    Remove
                  </Button>
                </div>
              );
            })}
            <Button onClick={() => setExtra([...extra, { key: rowKey++, name: '', value: '', secret: false }])}>Add field</Button>
          </fieldset>
        )}
        {existing && (
          <p className="ds-env">
            Environment prefix for backends: <code>{existing.envPrefix}__…</code>
          </p>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
