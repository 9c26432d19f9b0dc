import { useEffect, useState } from 'react';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { useVault } from './store';
import './key-origin.css';

/**
 * "Your key was confirmed for X. Send it to Y?" under a URL field (Settings → Provider,
 * Publishing). Main sends the stored key only to the confirmed origin; changing the URL never
 * confirms it, only this button does. `url` is the saved URL: the status is asked again when it
 * (or the stored key) changes.
 */
export function KeyOriginNotice({ kind, url }: { kind: 'provider' | 'publish'; url: string }) {
  const secrets = useVault((s) => s.secrets);
  const [status, setStatus] = useState<KeyOriginStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .call(kind === 'provider' ? 'provider.keyOrigin' : 'publish.keyOrigin')
      .then((s) => {
        if (!live) return;
        setStatus(s);
        setLoadError(null);
      })
      .catch((e: unknown) => {
        if (live) setLoadError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [kind, url, secrets]);
  const confirm = useAsyncAction(async (origin: string) => {
    const input = { origin };
    setStatus(await (kind === 'provider' ? api.call('provider.confirmOrigin', input) : api.call('publish.confirmOrigin', input)));
  });

  if (loadError) return <p className="error-text" role="alert">{loadError}</p>;
  if (!status?.needsConfirm || !status.currentOrigin) return null;
  const target = status.currentOrigin;
  const before = status.recordDamaged
    ? 'Kiln could not read where your key was confirmed (its record is damaged).'
    : status.confirmedOrigin
      ? `Your key was confirmed for ${status.confirmedOrigin}.`
      : 'Your key has not been confirmed for any address yet.';
  return (
    <div className="key-origin" role="alert" aria-label="Key address not confirmed">
      <p>
        {before} Send it to <strong>{target}</strong>?
      </p>
      <p className="key-origin-hint">Until you confirm, Kiln sends the key nowhere. Confirm only if you trust this address.</p>
      <div className="vault-row">
        <Button variant="primary" onClick={() => void confirm.run(target)} disabled={confirm.busy}>
          Confirm
        </Button>
      </div>
      {confirm.error && <p className="error-text">{confirm.error.message}</p>}
    </div>
  );
}
