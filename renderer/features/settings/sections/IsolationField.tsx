import { useEffect, useState } from 'react';
import { isolationSentence, type IsolationCheck } from '../../../../shared/contract/diagnostics';
import type { isolationModes } from '../../../../shared/contract/settings';
import { api, errorMessage } from '../../../api/client';
import { Field } from '../../../components/Field';
import { useSettings } from '../../../stores/settings';

type Mode = (typeof isolationModes)[number];

const choices: { value: Mode; label: string }[] = [
  { value: 'prefer', label: 'Where available (recommended)' },
  { value: 'require', label: 'Always — refuse to run apps without it' },
  { value: 'off', label: 'Off' },
];

/** Settings → Python & Backends → "Isolate apps", with this machine's status and how to fix it. */
export function IsolationField() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [status, setStatus] = useState<IsolationCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mode = settings?.python.isolateApps;
  useEffect(() => {
    if (!mode) return;
    api.call('diagnostics.isolation').then(setStatus, (e: unknown) => setError(errorMessage(e)));
  }, [mode]);
  if (!settings) return null;
  return (
    <Field
      label="Isolate apps"
      hint="Runs app backends, pip and the agent's Python in an OS sandbox: they reach only their own folder, never your other files, the keychain or other programs."
      error={error}
    >
      {(id, describedBy) => (
        <>
          <select
            id={id}
            aria-describedby={describedBy}
            className="input"
            value={settings.python.isolateApps}
            onChange={(e) => {
              setError(null);
              update({ python: { isolateApps: e.target.value as Mode } }).catch((err: unknown) => setError(errorMessage(err)));
            }}
          >
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {status && (
            <span className={status.isolated ? 'field-hint' : 'field-error'} role="status" data-testid="isolation-status">
              {isolationSentence(status)}
            </span>
          )}
        </>
      )}
    </Field>
  );
}
