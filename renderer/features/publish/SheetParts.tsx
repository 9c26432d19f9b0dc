import type { KilnError } from '../../../shared/contract/core';
import type { PreflightProblem, PublishProgress, PublishResult } from '../../../shared/contract/publish';
import { Button } from '../../components/Button';
import { Spinner } from '../../components/Spinner';

export function ProblemList({ items, kind, action = 'publishing' }: { items: PreflightProblem[]; kind: 'blocking' | 'warning'; action?: string }) {
  if (items.length === 0) return null;
  const title = kind === 'blocking' ? `Must be fixed before ${action}` : 'Warnings';
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

export function ProgressView({ progress, onCancel }: { progress: PublishProgress | null; onCancel(): void }) {
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

export function ErrorBox({ error }: { error: KilnError }) {
  return (
    <div className="publish-error" role="alert">
      <p className="error-text">{error.message}</p>
      {error.details && (
        <details>
          <summary>Details</summary>
          <pre className="publish-details">{error.details}</pre>
        </details>
      )}
    </div>
  );
}

export function LinkTo({ url, onOpen, testId }: { url: string; onOpen(url: string): void; testId?: string }) {
  return (
    <a
      href={url}
      onClick={(e) => {
        e.preventDefault();
        onOpen(url);
      }}
      data-testid={testId}
    >
      {url}
    </a>
  );
}

export function SuccessView({ result, onOpen, onCopy }: { result: PublishResult; onOpen(url: string): void; onCopy(url: string): void }) {
  return (
    <section className="publish-success" aria-label="Published">
      <p className="publish-ok">{result.unchanged ? 'Already up to date — nothing changed since the last publish.' : 'Published.'}</p>
      <div className="publish-url">
        <LinkTo url={result.url} onOpen={onOpen} testId="publish-url" />
        <Button onClick={() => onCopy(result.url)}>Copy link</Button>
        <Button onClick={() => onOpen(result.url)}>Open</Button>
      </div>
    </section>
  );
}
