import { useMemo, useState } from 'react';
import { isTestableEngine, type ConnectionTestResult } from '../../../shared/contract/datasources';
import type { EndpointInput } from '../../../shared/contract/index';
import type { DatasourceView } from '../../../shared/contract/vault';
import { engineSpec, isSecretField, type FieldSpec } from '../../../shared/vault/catalog';
import { api } from '../../api/client';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { connectionDraft } from './connection-draft';

export interface ExtraRow {
  key: number;
  name: string;
  value: string;
  /** Marked secret by the user (names like "password" are secret anyway). */
  secret: boolean;
}

/** The one call a datasource form makes. */
export type DatasourceCall = { kind: 'create'; input: EndpointInput<'vault.create'> } | { kind: 'update'; input: EndpointInput<'vault.update'> };

/** What the user typed, as the form keeps it. */
export interface DatasourceDraft {
  engine: string;
  label: string;
  plain: Record<string, string>;
  /** Typed secret values; an empty one keeps what is stored. */
  secretDraft: Record<string, string>;
  /** Stored secrets the user chose to clear. */
  cleared: ReadonlySet<string>;
  extra: readonly ExtraRow[];
}

/**
 * The call a draft makes: `vault.create` with every value, or `vault.update` with only what
 * changed (a cleared secret is sent as '', an emptied plain field as null).
 */
function datasourceRequest(draft: DatasourceDraft, existing?: DatasourceView): DatasourceCall {
  const extraFields: Record<string, string> = {};
  const markedSecret: string[] = [];
  for (const row of draft.extra) {
    const name = row.name.trim();
    if (name === '') continue;
    extraFields[name] = row.value;
    if (row.secret && !isSecretField(draft.engine, name)) markedSecret.push(name);
  }
  const secretOpt = markedSecret.length > 0 ? { secret: markedSecret } : {};
  if (!existing) {
    const values: Record<string, string> = { ...draft.plain, ...extraFields };
    for (const [k, v] of Object.entries(draft.secretDraft)) if (v !== '') values[k] = v;
    return { kind: 'create', input: { engine: draft.engine, label: draft.label, fields: values, ...secretOpt } };
  }
  const changes: Record<string, string | null> = { ...extraFields };
  for (const [k, v] of Object.entries(draft.plain)) if (v !== (existing.fields[k] ?? '')) changes[k] = v === '' ? null : v;
  for (const [k, v] of Object.entries(draft.secretDraft)) if (v !== '') changes[k] = v;
  for (const k of draft.cleared) changes[k] = '';
  return {
    kind: 'update',
    input: {
      slug: existing.slug,
      ...(draft.label !== existing.label ? { label: draft.label } : {}),
      ...(Object.keys(changes).length > 0 ? { fields: changes } : {}),
      ...secretOpt,
    },
  };
}

/** Catalog fields, plus any field an imported record carries that the catalog doesn't know. */
export function formFields(engine: string, existing?: DatasourceView): FieldSpec[] {
  const spec = engineSpec(engine);
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
}

let rowKey = 0;
const emptyRow = (): ExtraRow => ({ key: rowKey++, name: '', value: '', secret: false });

/** The datasource dialog's state and its save. Typed secrets are dropped as soon as main has them. */
export function useDatasourceForm(existing: DatasourceView | undefined, onSaved: (ds: DatasourceView) => void) {
  const [engine, setEngine] = useState(existing?.engine ?? 'postgres');
  const [label, setLabel] = useState(existing?.label ?? '');
  const [plain, setPlain] = useState<Record<string, string>>(() => ({ ...(existing?.fields ?? {}) }));
  const [secretDraft, setSecretDraft] = useState<Record<string, string>>({});
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  const [extra, setExtra] = useState<ExtraRow[]>(() => (existing ? [] : [emptyRow()]));
  const spec = engineSpec(engine);
  const isTestable = isTestableEngine(engine);
  const fields = useMemo(() => formFields(engine, existing), [engine, existing]);

  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  /** The last save stopped because the test failed: the form asks "save anyway?". */
  const [askSaveAnyway, setAskSaveAnyway] = useState(false);
  const draft = (): DatasourceDraft => ({ engine, label, plain, secretDraft, cleared, extra });
  const runTest = useAsyncAction(async () => {
    setTest(null);
    const result = await api.call('datasources.testDraft', connectionDraft(draft(), existing));
    setTest(result);
    return result;
  });

  /** Save tests first (for engines Kiln can connect to); a failed test asks before saving. */
  const save = useAsyncAction(async (force: boolean) => {
    setAskSaveAnyway(false);
    if (!force && isTestable) {
      const result = await runTest.run();
      if (!result) return;
      if (!result.ok) {
        setAskSaveAnyway(true);
        return;
      }
    }
    const req = datasourceRequest(draft(), existing);
    const saved = req.kind === 'create' ? await api.call('vault.create', req.input) : await api.call('vault.update', req.input);
    setSecretDraft({});
    onSaved(saved);
  });

  return {
    spec,
    freeForm: !spec || spec.freeForm,
    fields,
    engine,
    changeEngine: (next: string): void => {
      setEngine(next);
      const defaults: Record<string, string> = {};
      for (const f of engineSpec(next)?.fields ?? []) if (f.defaultValue !== undefined) defaults[f.name] = f.defaultValue;
      setPlain(defaults);
      setSecretDraft({});
      setTest(null);
      setAskSaveAnyway(false);
    },
    label,
    setLabel,
    plain,
    setPlainValue: (name: string, value: string) => {
      setPlain((p) => ({ ...p, [name]: value }));
      setAskSaveAnyway(false);
    },
    secretDraft,
    setSecretValue: (name: string, value: string) => {
      setSecretDraft((d) => ({ ...d, [name]: value }));
      setAskSaveAnyway(false);
    },
    /** Whether a stored secret is still there (not cleared in this form). */
    isStored: (name: string): boolean => existing?.secrets[name] === true && !cleared.has(name),
    clearSecret: (name: string): void => {
      setCleared((c) => new Set(c).add(name));
      setSecretDraft((d) => ({ ...d, [name]: '' }));
    },
    extra,
    addRow: () => setExtra((rows) => [...rows, emptyRow()]),
    updateRow: (key: number, patch: Partial<Omit<ExtraRow, 'key'>>) => setExtra((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r))),
    removeRow: (key: number) => setExtra((rows) => rows.filter((r) => r.key !== key)),
    submit: () => void save.run(false),
    saveAnyway: () => void save.run(true),
    keepEditing: () => setAskSaveAnyway(false),
    askSaveAnyway,
    /** Kiln has a connector for this engine (else "Test connection" is not offered). */
    isTestable,
    testConnection: () => void runTest.run(),
    testing: runTest.busy,
    test,
    busy: save.busy || runTest.busy,
    error: save.error?.message ?? runTest.error?.message ?? null,
  };
}
