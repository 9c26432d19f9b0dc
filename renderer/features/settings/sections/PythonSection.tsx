import { useEffect, useState } from 'react';
import type { PythonInfo } from '../../../../shared/contract/backends';
import { settingsPatchSchema, type SettingsPatch } from '../../../../shared/contract/settings';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, TextInput } from '../../../components/Field';
import { limitProblem } from '../../../components/limits';
import { useAsyncAction } from '../../../hooks/useAsyncAction';
import { useSettings } from '../../../stores/settings';
import { IsolationField } from './IsolationField';

const pythonPatch = settingsPatchSchema.shape.python.unwrap().shape;

/** The contract's limits for the two text fields, as sentences (null when they fit). */
function textProblems(interpreter: string, pipArgs: string): { interpreter: string | null; pipArgs: string | null } {
  const longest = pipArgs.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return {
    interpreter: limitProblem(interpreter.trim(), pythonPatch.interpreter, 'The interpreter path'),
    pipArgs: limitProblem(longest, pythonPatch.pipArgs.unwrap().element, 'One pip argument', 'Shorten it or split it.'),
  };
}

type NumberKey = 'installTimeoutSec' | 'readyTimeoutSec' | 'maxRunning' | 'idleStopMinutes';

const numberFields: { key: NumberKey; label: string; hint: string; min: number; max: number; section: 'python' | 'backends' }[] = [
  { key: 'readyTimeoutSec', section: 'backends', label: 'Ready timeout (seconds)', hint: 'How long a backend may take to answer on its port before Kiln stops it.', min: 1, max: 600 },
  { key: 'maxRunning', section: 'backends', label: 'Backends running at once', hint: 'Launching one more is refused until another is stopped.', min: 1, max: 64 },
  { key: 'idleStopMinutes', section: 'backends', label: 'Stop idle backends after (minutes)', hint: 'Without preview traffic for this long, a backend is stopped. 0 keeps them running.', min: 0, max: 1440 },
  { key: 'installTimeoutSec', section: 'python', label: 'Install timeout (seconds)', hint: 'pip is stopped after this long.', min: 5, max: 3600 },
];

/** Python & Backends: interpreter, venv options, pip arguments and the supervisor's limits. */
export function PythonSection() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [error, setError] = useState<string | null>(null);
  const [detected, setDetected] = useState<PythonInfo | null>(null);
  const [interpreter, setInterpreter] = useState('');
  const [pipArgs, setPipArgs] = useState('');
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>({ installTimeoutSec: '', readyTimeoutSec: '', maxRunning: '', idleStopMinutes: '' });

  useEffect(() => {
    if (!settings) return;
    setInterpreter(settings.python.interpreter);
    setPipArgs(settings.python.pipArgs.join(' '));
    setNumbers({
      installTimeoutSec: String(settings.python.installTimeoutSec),
      readyTimeoutSec: String(settings.backends.readyTimeoutSec),
      maxRunning: String(settings.backends.maxRunning),
      idleStopMinutes: String(settings.backends.idleStopMinutes),
    });
  }, [settings]);

  const { busy: checking, error: detectFailure, run: detect } = useAsyncAction(async () => {
    setDetected(null);
    setDetected(await api.call('backends.python'));
  });
  const detectError = detectFailure?.message ?? null;
  useEffect(() => void detect(), [detect, settings?.python.interpreter]);

  if (!settings) return null;
  const tooLong = textProblems(interpreter, pipArgs);
  const save = (patch: SettingsPatch): void => {
    setError(null);
    update(patch).catch((e: unknown) => setError(errorMessage(e)));
  };
  const saveNumber = (f: (typeof numberFields)[number]): void => {
    const n = Number(numbers[f.key]);
    if (!Number.isInteger(n) || n < f.min || n > f.max) {
      setError(`${f.label} must be a whole number from ${f.min} to ${f.max}.`);
      return;
    }
    save(f.section === 'python' ? { python: { [f.key]: n } } : { backends: { [f.key]: n } });
  };

  return (
    <div className="python-settings">
      <Field
        label="Python interpreter"
        hint="Path to Python 3.9 or newer. Leave empty to use KILN_PYTHON or the first Python found on this machine."
        error={tooLong.interpreter}
      >
        {(id, describedBy) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            value={interpreter}
            aria-invalid={tooLong.interpreter !== null}
            placeholder="/usr/bin/python3"
            spellCheck={false}
            onChange={(e) => setInterpreter(e.target.value)}
            onBlur={() => !tooLong.interpreter && interpreter !== settings.python.interpreter && save({ python: { interpreter: interpreter.trim() } })}
          />
        )}
      </Field>
      <div className="field" aria-live="polite">
        <span className="field-hint">
          {checking
            ? 'Checking Python…'
            : detected
              ? `Using Python ${detected.version} at ${detected.path} (${detected.source === 'discovered' ? 'found automatically' : detected.source === 'env' ? 'from KILN_PYTHON' : 'from this setting'}).`
              : null}
        </span>
        {detectError && (
          <span className="field-error" role="alert">
            {detectError}
          </span>
        )}
        <div>
          <Button variant="ghost" onClick={() => void detect()} disabled={checking}>
            Check again
          </Button>
        </div>
      </div>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={settings.python.systemSitePackages}
            onChange={(e) => save({ python: { systemSitePackages: e.target.checked } })}
          />{' '}
          Let app environments use the system's Python packages
        </label>
        <span className="field-hint">Useful offline, when packages come from your OS. Environments are recreated on the next launch.</span>
      </div>
      <IsolationField />
      <Field label="Extra pip arguments" hint="Separated by spaces, e.g. --no-index --find-links /opt/wheels for machines without internet." error={tooLong.pipArgs}>
        {(id, describedBy) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            value={pipArgs}
            aria-invalid={tooLong.pipArgs !== null}
            spellCheck={false}
            onChange={(e) => setPipArgs(e.target.value)}
            onBlur={() => {
              if (tooLong.pipArgs) return;
              const args = pipArgs.split(/\s+/).filter(Boolean);
              if (args.join(' ') !== settings.python.pipArgs.join(' ')) save({ python: { pipArgs: args } });
            }}
          />
        )}
      </Field>
      {numberFields.map((f) => (
        <Field key={f.key} label={f.label} hint={f.hint}>
          {(id, describedBy) => (
            <TextInput
              id={id}
              aria-describedby={describedBy}
              inputMode="numeric"
              value={numbers[f.key]}
              onChange={(e) => setNumbers((n) => ({ ...n, [f.key]: e.target.value }))}
              onBlur={() => saveNumber(f)}
            />
          )}
        </Field>
      ))}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
