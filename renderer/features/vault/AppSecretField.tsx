import { useEffect, useState } from 'react';
import type { AppSecretAccount } from '../../../shared/contract/vault';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, PasswordInput } from '../../components/Field';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { useVault } from './store';
import { limitProblem } from '../../components/limits';
import { vaultEndpoints } from '../../../shared/contract/vault';
import { SecretBadge } from './SecretBadge';

/**
 * Set / replace / clear one of the app's keychain secrets. The stored value is never shown:
 * the field is always empty and a badge says "Set" or "Not set".
 */
export function AppSecretField({ account, label, hint }: { account: AppSecretAccount; label: string; hint?: string }) {
  const status = useVault((s) => s.secrets);
  const loadSecrets = useVault((s) => s.loadSecrets);
  const setSecrets = useVault((s) => s.setSecrets);
  const [draft, setDraft] = useState('');
  useEffect(() => {
    void loadSecrets();
  }, [loadSecrets]);

  const tooLong = limitProblem(draft, vaultEndpoints['secrets.set'].input.shape.value, 'The key');
  const entry = status?.secrets.find((s) => s.account === account);
  const isSet = entry?.set ?? false;

  const { busy, error, run } = useAsyncAction(async (op: 'set' | 'clear') => {
    setSecrets(await (op === 'set' ? api.call('secrets.set', { account, value: draft }) : api.call('secrets.clear', { account })));
    setDraft('');
  });

  return (
    <form
      className="secret-field"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.trim() === '' || tooLong) return;
        void run('set');
      }}
    >
      <Field
        label={label}
        hint={
          <>
            <SecretBadge set={isSet} source={entry?.source ?? null} />
            {hint ? ` ${hint}` : ''}
          </>
        }
        error={tooLong ?? error?.message ?? (status && !status.keychainAvailable ? status.problem : null)}
      >
        {(id, describedBy) => (
          <div className="vault-row">
            <PasswordInput
              id={id}
              aria-describedby={describedBy}
              value={draft}
              placeholder={isSet ? 'Enter a new value to replace it' : 'Paste the key'}
              onChange={(e) => setDraft(e.target.value)}
            />
            <Button type="submit" variant="primary" disabled={busy || draft.trim() === '' || tooLong !== null}>
              {isSet ? 'Replace' : 'Save'}
            </Button>
            {entry?.source === 'keychain' && (
              <Button
                variant="danger"
                disabled={busy}
                onClick={() => void run('clear')}
              >
                Clear
              </Button>
            )}
          </div>
        )}
      </Field>
    </form>
  );
}
