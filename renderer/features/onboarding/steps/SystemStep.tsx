import { useEffect, useState } from 'react';
import { isolationSentence, type IsolationCheck, type PythonCheck } from '../../../../shared/contract/diagnostics';
import type { SecretsStatus } from '../../../../shared/contract/vault';
import { api } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { Spinner } from '../../../components/Spinner';
import { useAsyncAction } from '../../../hooks/useAsyncAction';

function Check({ title, ok, busy, children }: { title: string; ok: boolean | null; busy: boolean; children: React.ReactNode }) {
  return (
    <div className={`check ${busy ? '' : ok ? 'check-ok' : 'check-bad'}`}>
      <div className="check-title">
        {busy ? <Spinner label={`Checking ${title}`} /> : <Icon name={ok ? 'check' : 'warning'} />}
        <strong>{title}</strong>
      </div>
      <div className="check-body">{children}</div>
    </div>
  );
}

/** Python (found, version, venv) and the OS keychain, each with the exact fix when not ready. */
export function SystemStep() {
  const [python, setPython] = useState<PythonCheck | null>(null);
  const [keychain, setKeychain] = useState<SecretsStatus | null>(null);
  const [isolation, setIsolation] = useState<IsolationCheck | null>(null);
  const { busy, error, run } = useAsyncAction(async () => {
    const [p, k, i] = await Promise.all([api.call('diagnostics.checkPython'), api.call('secrets.status'), api.call('diagnostics.isolation')]);
    setPython(p);
    setKeychain(k);
    setIsolation(i);
  });
  useEffect(() => void run(), [run]);
  const pythonOk = Boolean(python?.found && python.venvWorks);
  return (
    <div>
      <p>Fullstack apps run their Python backend on this machine, and every credential lives in the OS keychain.</p>
      <Check title="Python" ok={pythonOk} busy={busy || !python}>
        {python?.found ? (
          <p>
            Python {python.version} at <code>{python.path}</code>
            {python.venvWorks ? ' — virtual environments work.' : ''}
          </p>
        ) : null}
        {python?.problem && <p className="error-text">{python.problem}</p>}
      </Check>
      <Check title="OS keychain" ok={keychain?.keychainAvailable ?? null} busy={busy || !keychain}>
        {keychain?.keychainAvailable ? <p>Available and unlocked.</p> : <p className="error-text">{keychain?.problem}</p>}
      </Check>
      <Check title="App isolation" ok={isolation?.isolated ?? null} busy={busy || !isolation}>
        {isolation && <p className={isolation.isolated ? undefined : 'error-text'}>{isolationSentence(isolation)}</p>}
      </Check>
      <Button onClick={() => void run()} disabled={busy}>
        <Icon name="refresh" /> Check again
      </Button>
      {error && <p className="error-text" role="alert">{error.message}</p>}
    </div>
  );
}
