import { useEffect, useState } from 'react';
import { providerPresets } from '../../../../shared/contract/settings';
import { providerPresetUrls } from '../../../../shared/contract/provider';
import type { SecretsStatus } from '../../../../shared/contract/vault';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, PasswordInput, TextInput } from '../../../components/Field';
import { Spinner } from '../../../components/Spinner';
import { useSettings } from '../../../stores/settings';

const presetLabels: Record<(typeof providerPresets)[number], string> = {
  openai: 'OpenAI',
  ollama: 'Ollama (local)',
  lmstudio: 'LM Studio (local)',
  openrouter: 'OpenRouter',
  custom: 'Custom (any OpenAI-compatible URL)',
};

export function ProviderStep() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [baseUrl, setBaseUrl] = useState(settings?.provider.baseUrl ?? '');
  const [model, setModel] = useState(settings?.provider.model ?? '');
  const [key, setKey] = useState('');
  const [status, setStatus] = useState<SecretsStatus | null>(null);
  const [test, setTest] = useState<{ busy: boolean; models?: string[]; error?: string }>({ busy: false });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('secrets.status').then(setStatus, (e) => setError(errorMessage(e)));
  }, []);
  const preset = settings?.provider.preset ?? 'openai';
  const keyStatus = status?.secrets.find((s) => s.account === 'provider.apiKey');

  const choosePreset = async (p: (typeof providerPresets)[number]): Promise<void> => {
    const url = p === 'custom' ? baseUrl : providerPresetUrls[p];
    setBaseUrl(url);
    await update({ provider: { preset: p, baseUrl: url } }).catch((e) => setError(errorMessage(e)));
  };
  const save = async (): Promise<void> => {
    setError(null);
    try {
      await update({ provider: { baseUrl: baseUrl.trim(), model: model.trim() } });
      if (key) {
        setStatus(await api.call('secrets.set', { account: 'provider.apiKey', value: key }));
        setKey('');
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const testConnection = async (): Promise<void> => {
    setTest({ busy: true });
    try {
      await save();
      const r = await api.call('provider.testConnection', { baseUrl: baseUrl.trim() });
      setTest({ busy: false, models: r.models });
      const first = r.models[0];
      if (!model && first) {
        setModel(first);
        await update({ provider: { model: first } });
      }
    } catch (e) {
      setTest({ busy: false, error: errorMessage(e) });
    }
  };

  return (
    <div>
      <p>Kiln talks to any OpenAI-compatible model service. Your key is stored in the OS keychain, never in a file.</p>
      <Field label="Provider">
        {(id) => (
          <select id={id} className="input" value={preset} onChange={(e) => void choosePreset(e.target.value as (typeof providerPresets)[number])}>
            {providerPresets.map((p) => (
              <option key={p} value={p}>
                {presetLabels[p]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Base URL">{(id) => <TextInput id={id} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} onBlur={() => void save()} />}</Field>
      <Field label="Model" hint={test.models ? `${test.models.length} ${test.models.length === 1 ? 'model' : 'models'} available` : 'For example gpt-4.1 or llama3.1'}>
        {(id, describedBy) =>
          test.models && test.models.length > 0 ? (
            <select
              id={id}
              aria-describedby={describedBy}
              className="input"
              value={model}
              onChange={(e) => {
                // A pick from the list is saved at once; typed fields save when they lose focus.
                setModel(e.target.value);
                void update({ provider: { model: e.target.value } }).catch((err) => setError(errorMessage(err)));
              }}
            >
              {!test.models.includes(model) && <option value={model}>{model || 'Choose a model'}</option>}
              {test.models.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          ) : (
            <TextInput id={id} aria-describedby={describedBy} value={model} onChange={(e) => setModel(e.target.value)} onBlur={() => void save()} />
          )
        }
      </Field>
      <Field
        label="API key"
        hint={keyStatus?.set ? `A key is set (${keyStatus.source === 'environment' ? 'from the environment' : 'in the keychain'}). Type a new one to replace it.` : 'Not set. Local providers (Ollama, LM Studio) usually need none.'}
        error={status && !status.keychainAvailable ? status.problem : null}
      >
        {(id, describedBy) => <PasswordInput id={id} aria-describedby={describedBy} value={key} onChange={(e) => setKey(e.target.value)} placeholder={keyStatus?.set ? '••••••••  (set)' : ''} />}
      </Field>
      <div className="settings-row">
        <Button variant="primary" onClick={() => void testConnection()} disabled={test.busy || !baseUrl.trim()}>
          {test.busy ? <Spinner label="Testing" /> : null} Save and test connection
        </Button>
        {test.models && <span role="status" className="ok-text">
            Connected: {test.models.length} {test.models.length === 1 ? 'model' : 'models'}.
          </span>}
      </div>
      {test.error && <p className="error-text" role="alert">{test.error}</p>}
      {error && <p className="error-text" role="alert">{error}</p>}
    </div>
  );
}
