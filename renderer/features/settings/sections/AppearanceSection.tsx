import { useState } from 'react';
import { Field } from '../../../components/Field';
import { errorMessage } from '../../../api/client';
import { useSettings } from '../../../stores/settings';

export function AppearanceSection() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [error, setError] = useState<string | null>(null);
  if (!settings) return null;
  return (
    <Field label="Theme" hint="System follows your operating system's light or dark mode." error={error}>
      {(id, describedBy) => (
        <select
          id={id}
          aria-describedby={describedBy}
          className="input"
          value={settings.appearance.theme}
          onChange={(e) => {
            setError(null);
            update({ appearance: { theme: e.target.value as 'system' | 'light' | 'dark' } }).catch((err) => setError(errorMessage(err)));
          }}
        >
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      )}
    </Field>
  );
}
