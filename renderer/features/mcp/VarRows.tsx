import { Button } from '../../components/Button';

export interface VarRow {
  key: number;
  name: string;
  value: string;
  secret: boolean;
  /** A secret already in the keychain: an empty value keeps it. */
  stored: boolean;
}

interface Props {
  label: string;
  rows: VarRow[];
  namePlaceholder: string;
  onChange(rows: VarRow[]): void;
}

let nextKey = 1;
export const newRow = (over: Partial<VarRow> = {}): VarRow => ({ key: nextKey++, name: '', value: '', secret: false, stored: false, ...over });

/** Environment variables or headers: name, value, a Secret box (secret values go to the keychain). */
export function VarRows({ label, rows, namePlaceholder, onChange }: Props) {
  const update = (key: number, patch: Partial<VarRow>): void => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="mcp-vars">
      <legend>{label}</legend>
      {rows.map((row, i) => (
        <div key={row.key} className="mcp-var-row">
          <input
            className="input"
            aria-label={`${label} ${i + 1} name`}
            placeholder={namePlaceholder}
            value={row.name}
            spellCheck={false}
            onChange={(e) => update(row.key, { name: e.target.value })}
          />
          <input
            className="input"
            type={row.secret ? 'password' : 'text'}
            autoComplete={row.secret ? 'new-password' : 'off'}
            aria-label={`${label} ${i + 1} value`}
            placeholder={row.secret && row.stored ? 'Stored in the keychain — type to replace' : 'value'}
            value={row.value}
            spellCheck={false}
            onChange={(e) => update(row.key, { value: e.target.value })}
          />
          <label className="mcp-secret-box">
            <input type="checkbox" checked={row.secret} onChange={(e) => update(row.key, { secret: e.target.checked })} /> Secret
          </label>
          <Button variant="ghost" aria-label={`Remove ${row.name || `${label} ${i + 1}`}`} onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>
            ✕
          </Button>
        </div>
      ))}
      <Button variant="ghost" onClick={() => onChange([...rows, newRow()])}>
        + Add
      </Button>
    </fieldset>
  );
}
