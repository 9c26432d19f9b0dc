import { useEffect, useState } from 'react';
import { providerPresetUrls, type TestConnectionResult } from '../../../../shared/contract/provider';
import { providerPresets, settingsPatchSchema } from '../../../../shared/contract/settings';
import { limitProblem } from '../../../components/limits';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, TextInput } from '../../../components/Field';
import { Spinner } from '../../../components/Spinner';
import { useAsyncAction } from '../../../hooks/useAsyncAction';
import { useSettings } from '../../../stores/settings';
import { AppSecretField } from '../../vault/AppSecretField';
import { KeyOriginNotice } from '../../vault/KeyOriginNotice';
import '../../vault/vault.css';
import { PROVIDER_API_KEY_ACCOUNT } from '../../../../shared/vault/accounts';

type Preset = (typeof providerPresets)[number];

const providerPatch = settingsPatchSchema.shape.provider.unwrap().shape;

const presetLabels: Record<Preset, string> = {
  openai: 'OpenAI',
  ollama: 'Ollama (local)',
  lmstudio: 'LM Studio (local)',
  openrouter: 'OpenRouter',
  custom: 'Custom (any OpenAI-compatible API)',
};

/** Settings → Provider: endpoint preset, base URL, model, API key (keychain), Test connection. */
export function ProviderSection() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const provider = settings?.provider;
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? '');
  const [model, setModel] = useState(provider?.model ?? '');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const { busy: testing, error: testFailure, run: test, clearError: clearTestError } = useAsyncAction(async () => {
    setResult(null);
    if (!provider) return;
    // Save first: main sends the stored key only to the saved provider's address.
    if (baseUrl.trim() !== provider.baseUrl) await update({ provider: { baseUrl: baseUrl.trim() } });
    setResult(await api.call('provider.testConnection', { baseUrl: baseUrl.trim() }));
  });
  const testError = testFailure?.message ?? null;

  useEffect(() => setBaseUrl(provider?.baseUrl ?? ''), [provider?.baseUrl]);
  useEffect(() => setModel(provider?.model ?? ''), [provider?.model]);
  if (!provider) return null;
  const urlTooLong = limitProblem(baseUrl.trim(), providerPatch.baseUrl, 'The base URL');
  const modelTooLong = limitProblem(model.trim(), providerPatch.model, 'The model id');

  const save = (patch: { preset?: Preset; baseUrl?: string; model?: string }): void => {
    setError(null);
    if ((patch.baseUrl !== undefined && urlTooLong) || (patch.model !== undefined && modelTooLong)) return;
    update({ provider: patch }).catch((e: unknown) => setError(errorMessage(e)));
  };

  const choosePreset = (preset: Preset): void => {
    setResult(null);
    clearTestError();
    if (preset === 'custom') save({ preset });
    else save({ preset, baseUrl: providerPresetUrls[preset] });
  };

  const saveBaseUrl = (): void => {
    const value = baseUrl.trim();
    if (value === provider.baseUrl) return;
    const matching = (Object.entries(providerPresetUrls) as [Exclude<Preset, 'custom'>, string][]).find(([, url]) => url === value);
    save({ baseUrl: value, preset: matching ? matching[0] : 'custom' });
  };

  const pickModel = (id: string): void => {
    setModel(id);
    save({ model: id });
  };

  const needsKey = provider.preset === 'openai' || provider.preset === 'openrouter' || provider.preset === 'custom';

  return (
    <div>
      <Field label="Provider" hint="Any OpenAI-compatible endpoint works; pick a preset or enter your own base URL.">
        {(id, describedBy) => (
          <select id={id} aria-describedby={describedBy} className="input" value={provider.preset} onChange={(e) => choosePreset(e.target.value as Preset)}>
            {providerPresets.map((p) => (
              <option key={p} value={p}>
                {presetLabels[p]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Base URL" error={urlTooLong ?? error}>
        {(id, describedBy) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            value={baseUrl}
            placeholder="https://api.openai.com/v1"
            onChange={(e) => setBaseUrl(e.target.value)}
            onBlur={saveBaseUrl}
            onKeyDown={(e) => {
              if (e.key === 'Enter') saveBaseUrl();
            }}
          />
        )}
      </Field>
      <KeyOriginNotice kind="provider" url={provider.baseUrl} />
      <Field label="Model" error={modelTooLong} hint={result ? 'Type a model id or pick one from the tested list below.' : 'Type a model id, or run “Test connection” to list them.'}>
        {(id, describedBy) => (
          <>
            <TextInput
              id={id}
              aria-describedby={describedBy}
              value={model}
              list={result ? 'provider-models' : undefined}
              placeholder="gpt-4o-mini"
              onChange={(e) => setModel(e.target.value)}
              onBlur={() => model.trim() !== provider.model && save({ model: model.trim() })}
              onKeyDown={(e) => {
                if (e.key === 'Enter') save({ model: model.trim() });
              }}
            />
            {result && (
              <datalist id="provider-models">
                {result.models.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            )}
          </>
        )}
      </Field>
      <AppSecretField
        account={PROVIDER_API_KEY_ACCOUNT}
        label="API key"
        hint={needsKey ? 'Stored in the OS keychain.' : 'Local servers usually need no key.'}
      />
      <div className="vault-row">
        <Button onClick={() => void test()} disabled={testing || baseUrl.trim() === '' || urlTooLong !== null}>
          Test connection
        </Button>
        {testing && <Spinner label="Testing the connection" />}
      </div>
      <div className="test-result" aria-live="polite">
        {testError && (
          <p className="error-text" role="alert">
            {testError}
          </p>
        )}
        {result && (
          <>
            <p className="test-ok">
              Connected to {result.baseUrl}: {result.models.length} model{result.models.length === 1 ? '' : 's'}.
            </p>
            {result.models.length > 0 && (
              <div className="models-list" role="group" aria-label="Available models">
                {result.models.slice(0, 200).map((m) => (
                  <Button key={m} variant={m === provider.model ? 'primary' : 'secondary'} aria-pressed={m === provider.model} onClick={() => pickModel(m)}>
                    {m}
                  </Button>
                ))}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
