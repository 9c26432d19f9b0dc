import { useState } from 'react';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, PasswordInput } from '../../components/Field';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { limitProblem } from '../../components/limits';
import { publishApiKeySchema } from '../../../shared/contract/publish';

/** Shown when no key is set or the service answered 401: the key goes to the keychain, never back. */
export function ApiKeyPrompt({ reason, onSaved }: { reason: string; onSaved(): void }) {
  const [key, setKey] = useState('');
  const { busy, error, run: save } = useAsyncAction(async () => {
    await api.call('publish.setApiKey', { key });
    setKey('');
    onSaved();
  });
  const tooLong = limitProblem(key.trim(), publishApiKeySchema, 'The key', 'Check that you pasted only the key.');
  return (
    <form
      className="publish-key"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p role="alert">{reason}</p>
      <Field label="Publish API key" error={tooLong ?? error?.message ?? null}>
        {(id, describedBy) => (
          <PasswordInput id={id} aria-describedby={describedBy} aria-invalid={tooLong !== null || undefined} value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
        )}
      </Field>
      <Button type="submit" variant="primary" disabled={busy || key.trim() === '' || tooLong !== null}>
        Save key
      </Button>
    </form>
  );
}
