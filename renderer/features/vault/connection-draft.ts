import type { ConnectionDraft } from '../../../shared/contract/datasources';
import type { DatasourceView } from '../../../shared/contract/vault';
import type { DatasourceDraft } from './useDatasourceForm';

/**
 * What "Test connection" sends for the form's current values: every plain field, the secrets
 * typed in this form, cleared secrets as null. A secret not typed stays in main (the keychain),
 * and main uses it only while the address is unchanged.
 */
export function connectionDraft(draft: DatasourceDraft, existing?: DatasourceView): ConnectionDraft {
  const fields: Record<string, string | null> = { ...draft.plain };
  for (const row of draft.extra) if (row.name.trim() !== '') fields[row.name.trim()] = row.value;
  for (const [k, v] of Object.entries(draft.secretDraft)) if (v !== '') fields[k] = v;
  for (const k of draft.cleared) if ((draft.secretDraft[k] ?? '') === '') fields[k] = null;
  return { engine: draft.engine, fields, ...(existing ? { slug: existing.slug } : {}) };
}
