import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, PasswordInput } from '../../components/Field';

/** Shown when no key is set or the service answered 401: the key goes to the keychain, never back. */
export function ApiKeyPrompt({ reason, onSaved }: { reason: string; onSaved(): void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.call('publish.setApiKey', { key });
      setKey('');
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="publish-key"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p role="alert">{reason}</p>
      <Field label="Publish API key" error={error}>
        {(id, describedBy) => (
          <PasswordInput id={id} aria-describedby={describedBy} value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
        )}
      </Field>
      <Button type="submit" variant="primary" disabled={busy || key.trim() === ''}>
        Save key
      </Button>
    </form>
  );
}
