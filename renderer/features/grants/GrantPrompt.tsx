import { useEffect, useState } from 'react';
import type { DatasourceRequest, GrantState } from '../../../shared/contract/grants';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { useBackends } from '../backends/store';
import './grants.css';

/**
 * "This app asks for your datasources": shown in the preview pane while a backend runs
 * without datasources its artifact declares but the user has not allowed. Lists each one
 * (name, engine, the fields the app would get); Allow grants them for this artifact and
 * restarts the backend with them. Declaring is only a request — the agent cannot grant.
 */
export function GrantPrompt({ slug, pending }: { slug: string; pending: readonly string[] }) {
  const run = useBackends((s) => s.run);
  const [state, setState] = useState<GrantState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const key = pending.join(',');
  useEffect(() => {
    api.call('grants.get', { slug }).then(setState, (e: unknown) => setError(errorMessage(e)));
  }, [slug, key]);
  if (pending.length === 0 || dismissed === key) return null;
  const waiting = state?.pending ?? [];
  const allow = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.call('grants.allow', { slug, datasources: waiting.map((d) => d.slug) });
      await run(slug, 'restart');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="grant-prompt" role="alertdialog" aria-labelledby={`${slug}-grant-title`} aria-describedby={`${slug}-grant-text`}>
      <h3 id={`${slug}-grant-title`}>This app asks for {waiting.length === 1 ? 'a datasource' : `${waiting.length || pending.length} datasources`}</h3>
      <p id={`${slug}-grant-text`}>It runs without {waiting.length === 1 ? 'it' : 'them'} until you allow {waiting.length === 1 ? 'it' : 'them'}. Allow only what you expect this app to use.</p>
      <ul>
        {(waiting.length > 0 ? waiting : pending.map((p): DatasourceRequest => ({ slug: p, engine: '', name: p, fields: [], exists: true }))).map((d) => (
          <li key={d.slug}>
            <strong>{d.label ?? d.name}</strong> {d.engine && <span className="muted">({d.engine})</span>}
            {d.fields.length > 0 && <div className="muted">Gets: {d.fields.join(', ')}</div>}
            {!d.exists && <div className="error-text">Not in your datasources yet — add it in Datasources first.</div>}
          </li>
        ))}
      </ul>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="grant-actions">
        <Button variant="primary" onClick={() => void allow()} disabled={busy || waiting.length === 0}>
          Allow and restart
        </Button>
        <Button variant="ghost" onClick={() => setDismissed(key)} disabled={busy}>
          Not now
        </Button>
      </div>
    </section>
  );
}
