import { useEffect, useState } from 'react';
import { DEFAULT_PUBLISH_URL, settingsPatchSchema } from '../../../../shared/contract/settings';
import { limitProblem } from '../../../components/limits';
import { errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, TextInput } from '../../../components/Field';
import { useSettings } from '../../../stores/settings';
import { AppSecretField } from '../../vault/AppSecretField';
import { KeyOriginNotice } from '../../vault/KeyOriginNotice';
import '../../vault/vault.css';
import { PUBLISH_API_KEY_ACCOUNT } from '../../../../shared/vault/accounts';

function checkUrl(value: string): string | null {
  const tooLong = limitProblem(value, settingsPatchSchema.shape.publish.unwrap().shape.url, 'The address');
  if (tooLong) return tooLong;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'Use an http:// or https:// address.';
  } catch {
    return 'Enter a full address such as https://view.mindshub.ai.';
  }
}

/** Settings → Publishing: the publish service endpoint, its API key (keychain) and the bundle size limit. */
export function PublishingSection() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const [url, setUrl] = useState(settings?.publish.url ?? DEFAULT_PUBLISH_URL);
  const [error, setError] = useState<string | null>(null);
  const saved = settings?.publish.url ?? DEFAULT_PUBLISH_URL;
  useEffect(() => setUrl(saved), [saved]);
  const savedLimit = settings?.publish.maxBundleMB ?? 50;
  const [limit, setLimit] = useState(String(savedLimit));
  const [limitError, setLimitError] = useState<string | null>(null);
  useEffect(() => setLimit(String(savedLimit)), [savedLimit]);

  const save = (value: string): void => {
    const trimmed = value.trim().replace(/\/+$/, '');
    const problem = checkUrl(trimmed);
    setError(problem);
    if (problem || trimmed === saved) return;
    update({ publish: { url: trimmed } }).catch((e: unknown) => setError(errorMessage(e)));
  };

  return (
    <div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save(url);
        }}
      >
        <Field label="Publish endpoint" hint="Where “Publish” uploads apps (anton’s protocol)." error={error}>
          {(id, describedBy) => (
            <div className="vault-row">
              <TextInput id={id} aria-describedby={describedBy} value={url} onChange={(e) => setUrl(e.target.value)} onBlur={() => save(url)} />
              {saved !== DEFAULT_PUBLISH_URL && (
                <Button
                  onClick={() => {
                    setUrl(DEFAULT_PUBLISH_URL);
                    save(DEFAULT_PUBLISH_URL);
                  }}
                >
                  Reset
                </Button>
              )}
            </div>
          )}
        </Field>
      </form>
      <KeyOriginNotice kind="publish" url={saved} />
      <AppSecretField account={PUBLISH_API_KEY_ACCOUNT} label="Publish API key" hint="Stored in the OS keychain." />
      <Field label="Bundle size limit (MB)" hint="A publish or export larger than this is refused before anything is sent." error={limitError}>
        {(id, describedBy) => (
          <TextInput
            id={id}
            aria-describedby={describedBy}
            inputMode="numeric"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            onBlur={() => {
              const n = Number(limit);
              if (n === savedLimit) return;
              setLimitError(null);
              update({ publish: { maxBundleMB: n } }).catch((e: unknown) => setLimitError(errorMessage(e)));
            }}
          />
        )}
      </Field>
    </div>
  );
}
