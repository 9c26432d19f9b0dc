import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { Field, TextInput } from '../../components/Field';
import { useSettings } from '../../stores/settings';

type Key = 'retentionDays' | 'keepLast' | 'maxMB';

const fields: { key: Key; label: string; hint: string }[] = [
  { key: 'retentionDays', label: 'Keep checkpoints for (days)', hint: 'Checkpoints younger than this are always kept.' },
  { key: 'keepLast', label: 'Always keep the last', hint: 'Per artifact, whatever their age.' },
  { key: 'maxMB', label: 'History size cap per artifact (MB)', hint: 'Past it, older checkpoints beyond the last ones go first; if that is not enough, Kiln stops taking checkpoints and tells you.' },
];

function NumberSetting({ k, label, hint }: { k: Key; label: string; hint: string }) {
  const saved = useSettings((s) => s.settings?.history[k]);
  const update = useSettings((s) => s.update);
  const [value, setValue] = useState(String(saved ?? ''));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(String(saved ?? '')), [saved]);
  return (
    <Field label={label} hint={hint} error={error}>
      {(id, describedBy) => (
        <TextInput
          id={id}
          aria-describedby={describedBy}
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onBlur={() => {
            const n = Number(value);
            if (n === saved) return;
            if (!Number.isInteger(n) || n < 1) {
              setError('Enter a whole number of 1 or more.');
              return;
            }
            setError(null);
            update({ history: { [k]: n } }).catch((e: unknown) => setError(errorMessage(e)));
          }}
        />
      )}
    </Field>
  );
}

/** Settings → History: checkpoint retention and the size cap (docs/checkpoints.md). */
export function HistorySettings() {
  return (
    <div>
      {fields.map((f) => (
        <NumberSetting key={f.key} k={f.key} label={f.label} hint={f.hint} />
      ))}
    </div>
  );
}
