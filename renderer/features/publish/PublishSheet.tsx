import { useCallback, useEffect, useState } from 'react';
import type { AccessChoice, Preflight, PreflightProblem, PublishProgress, PublishResult } from '../../../shared/contract/publish';
import { api, ApiError } from '../../api/client';
import { useEvent } from '../../api/hooks';
import { Button } from '../../components/Button';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { AccessPicker, type AccessDraft } from './AccessPicker';
import { ApiKeyPrompt } from './ApiKeyPrompt';
import { ExportPanel } from './ExportPanel';
import { formatBytes, splitEmails } from './format';
import { usePublishStatus } from './store';
import { VersionsPanel } from './VersionsPanel';
import './publish.css';

/** The review sheet: mounted once in App; opened from the gallery, the preview and the chat card. */
export function PublishSheet() {
  const sheet = useShell((s) => s.publishSheet);
  const close = useShell((s) => s.closePublishSheet);
  if (!sheet) return null;
  return <PublishSheetBody key={sheet.slug} slug={sheet.slug} onClose={close} />;
}

type Phase = 'review' | 'publishing' | 'done';

function ProblemList({ items, kind }: { items: PreflightProblem[]; kind: 'blocking' | 'warning' }) {
  if (items.length === 0) return null;
  const title = kind === 'blocking' ? 'Must be fixed before publishing' : 'Warnings';
  return (
    <section className={`publish-problems publish-${kind}`} aria-label={title} role={kind === 'blocking' ? 'alert' : undefined}>
      <h3>{title}</h3>
      <ul>
        {items.map((p, i) => (
          <li key={i}>
            {p.file && (
              <code className="publish-where">
                {p.file}
                {p.line ? `:${p.line}` : ''}
              </code>
            )}{' '}
            {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ProgressView({ progress, onCancel }: { progress: PublishProgress | null; onCancel(): void }) {
  const label = progress?.phase === 'zip' ? 'Building the bundle' : progress?.phase === 'retry' ? 'Retrying' : 'Uploading';
  const value = progress?.fraction ?? null;
  return (
    <div className="publish-progress">
      <p>
        <Spinner label={label} /> {label}…{progress?.message ? <span className="muted"> {progress.message}</span> : null}
      </p>
      <progress max={1} value={value ?? undefined} aria-label={label} />
      <Button onClick={onCancel}>Cancel</Button>
    </div>
  );
}

function choiceFrom(draft: AccessDraft): AccessChoice {
  if (draft.mode === 'public') return { mode: 'public' };
  if (draft.mode === 'password') return draft.password ? { mode: 'password', password: draft.password } : { mode: 'password' };
  return { mode: 'restricted', emails: splitEmails(draft.emails), orgAllowed: draft.orgAllowed };
}

function PublishSheetBody({ slug, onClose }: { slug: string; onClose(): void }) {
  const notify = useShell((s) => s.notify);
  const setStatus = usePublishStatus((s) => s.set);
  const [pf, setPf] = useState<Preflight | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [phase, setPhase] = useState<Phase>('review');
  const [progress, setProgress] = useState<PublishProgress | null>(null);
  const [result, setResult] = useState<PublishResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [keyNeeded, setKeyNeeded] = useState<string | null>(null);
  const [access, setAccess] = useState<AccessDraft>({ mode: 'public', password: '', emails: '', orgAllowed: false });
  const [confirmUnpublish, setConfirmUnpublish] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const next = await api.call('publish.preflight', { slug });
      setPf(next);
      setStatus(next.status);
      const a = next.status.access;
      setAccess({ mode: a.mode, password: '', emails: a.emails.join(', '), orgAllowed: a.orgAllowed });
      if (!next.apiKeySet) setKeyNeeded('No publish API key is set yet. Enter your key to publish.');
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
    }
  }, [slug, setStatus]);

  useEffect(() => {
    void load();
  }, [load]);

  useEvent('publish.progress', (p) => {
    if (p.slug === slug) setProgress(p);
  });

  const publish = async (): Promise<void> => {
    setPhase('publishing');
    setError(null);
    setProgress(null);
    try {
      const res = await api.call('publish.start', { slug, access: choiceFrom(access) });
      setResult(res);
      setPhase('done');
      void api.call('publish.status', { slug }).then(setStatus, () => undefined);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e));
      setPhase('review');
      if (err.code === 'CANCELLED') return;
      if (err.code === 'FORBIDDEN') setKeyNeeded(err.message);
      else setError(err);
    }
  };

  const unpublish = async (): Promise<void> => {
    setBusy(true);
    try {
      const status = await api.call('publish.unpublish', { slug });
      setStatus(status);
      setConfirmUnpublish(false);
      setResult(null);
      setPhase('review');
      notify({ level: 'success', message: 'The report was unpublished; its link no longer works.' });
      await load();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e));
      setConfirmUnpublish(false);
      if (err.code === 'FORBIDDEN') setKeyNeeded(err.message);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const copy = async (url: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      notify({ level: 'success', message: 'Link copied.' });
    } catch {
      notify({ level: 'warning', message: 'Could not copy; select the link and copy it yourself.' });
    }
  };
  const openUrl = (url: string): void => {
    api.call('app.openExternal', { url }).catch((e: unknown) => notify({ level: 'error', message: e instanceof Error ? e.message : String(e) }));
  };

  const title = pf ? `Publish “${pf.name}”` : 'Publish';
  const blocked = !pf || pf.blocking.length > 0;
  const accessIncomplete =
    (access.mode === 'password' && access.password === '' && !(pf?.status.access.passwordSet ?? false)) ||
    (access.mode === 'restricted' && splitEmails(access.emails).length === 0);
  const published = pf && pf.status.state !== 'not-published';

  const footer =
    phase === 'done' ? (
      <Button variant="primary" onClick={onClose}>
        Done
      </Button>
    ) : phase === 'review' ? (
      <>
        {published && (
          <Button variant="danger" onClick={() => setConfirmUnpublish(true)} disabled={busy}>
            Unpublish
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
        <Button variant="primary" onClick={() => void publish()} disabled={blocked || accessIncomplete || keyNeeded !== null}>
          {published ? 'Publish update' : 'Publish'}
        </Button>
      </>
    ) : undefined;

  return (
    <Dialog open title={title} onClose={phase === 'publishing' ? () => undefined : onClose} footer={footer} wide>
      {!pf && !loadError && (
        <p>
          <Spinner label="Checking the artifact" /> Checking what would be published…
        </p>
      )}
      {loadError && (
        <div role="alert">
          <p className="error-text">{loadError.message}</p>
          {loadError.details && <pre className="publish-details">{loadError.details}</pre>}
          <Button onClick={() => void load()}>Try again</Button>
        </div>
      )}
      {pf && phase === 'done' && result && (
        <section className="publish-success" aria-label="Published">
          <p className="publish-ok">{result.unchanged ? 'Already up to date — nothing changed since the last publish.' : 'Published.'}</p>
          <div className="publish-url">
            <a href={result.url} onClick={(e) => { e.preventDefault(); openUrl(result.url); }} data-testid="publish-url">
              {result.url}
            </a>
            <Button onClick={() => void copy(result.url)}>Copy link</Button>
            <Button onClick={() => openUrl(result.url)}>Open</Button>
          </div>
        </section>
      )}
      {pf && phase === 'publishing' && <ProgressView progress={progress} onCancel={() => void api.call('publish.cancel', { slug })} />}
      {pf && phase === 'review' && (
        <>
          <p className="publish-summary">
            {pf.kind === 'fullstack' ? 'Fullstack app' : 'Static report'} · {pf.files.length} file{pf.files.length === 1 ? '' : 's'} ·{' '}
            {formatBytes(pf.totalBytes)}
            {pf.bundleBytes !== null && <> · zip {formatBytes(pf.bundleBytes)}</>} · to <code>{pf.publishUrl}</code>
          </p>
          {pf.status.state !== 'not-published' && pf.status.url && (
            <p className="publish-current">
              {pf.status.state === 'published' ? 'Published and up to date at ' : 'Published, with unpublished changes, at '}
              <a href={pf.status.url} onClick={(e) => { e.preventDefault(); openUrl(pf.status.url!); }}>
                {pf.status.url}
              </a>
            </p>
          )}
          {keyNeeded && (
            <ApiKeyPrompt
              reason={keyNeeded}
              onSaved={() => {
                setKeyNeeded(null);
                void load();
              }}
            />
          )}
          {error && (
            <div className="publish-error" role="alert">
              <p className="error-text">{error.message}</p>
              {error.details && (
                <details>
                  <summary>Details</summary>
                  <pre className="publish-details">{error.details}</pre>
                </details>
              )}
            </div>
          )}
          <ProblemList items={pf.blocking} kind="blocking" />
          <ProblemList items={pf.warnings} kind="warning" />
          <details className="publish-files">
            <summary>Files to publish ({pf.files.length})</summary>
            <ul>
              {pf.files.map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code> <span className="muted">{formatBytes(f.bytes)}</span>
                </li>
              ))}
            </ul>
          </details>
          {pf.kind === 'fullstack' && (
            <section className="publish-section" aria-label="Datasource secrets">
              <h3>Datasource secrets</h3>
              {pf.secretNames.length === 0 ? (
                <p className="muted">None: this app reads no datasource.</p>
              ) : (
                <>
                  <p className="muted">Sent in the request to the publish service (never inside the bundle):</p>
                  <ul className="publish-names">
                    {pf.secretNames.map((n) => (
                      <li key={n}>
                        <code>{n}</code>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          )}
          <AccessPicker value={access} onChange={setAccess} passwordSet={pf.status.access.passwordSet} />
          {pf.kind === 'static' && pf.status.state !== 'not-published' && <VersionsPanel slug={slug} onChanged={() => void load()} />}
          <ExportPanel slug={slug} fullstack={pf.kind === 'fullstack'} />
        </>
      )}
      <ConfirmDialog
        open={confirmUnpublish}
        title="Unpublish?"
        message="The published link stops working for everyone. You can publish again later (with a new link)."
        confirmLabel="Unpublish"
        danger
        busy={busy}
        onConfirm={() => void unpublish()}
        onCancel={() => setConfirmUnpublish(false)}
      />
    </Dialog>
  );
}
