import { useState } from 'react';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, PasswordInput } from '../../components/Field';
import { useAsyncAction } from '../../hooks/useAsyncAction';

/** Shown when no key is set or the service answered 401: the key goes to the keychain, never back. */
export function ApiKeyPrompt({ reason, onSaved }: { reason: string; onSaved(): void }) {
  const [key, setKey] = useState('');
  const { busy, error, run: save } = useAsyncAction(async () => {
    await api.call('publish.setApiKey', { key });
    setKey('');
    onSaved();
  });
  return (
    <form
      className="publish-key"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p role="alert">{reason}</p>
      <Field label="Publish API key" error={error?.message ?? null}>
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
