import { useEffect } from 'react';
import { stateLabels, useBackends } from './store';
import './backends.css';

/** The backend status of a fullstack artifact, for gallery cards and the preview toolbar. */
export function BackendBadge({ slug }: { slug: string }) {
  const status = useBackends((s) => s.statuses[slug]);
  const refresh = useBackends((s) => s.refresh);
  useEffect(() => {
    if (!useBackends.getState().statuses[slug]) refresh(slug).catch(() => undefined);
  }, [slug, refresh]);
  const state = status?.state ?? 'stopped';
  const title = status?.warning ?? status?.error ?? `Backend ${stateLabels[state].toLowerCase()}`;
  return (
    <span className={`backend-badge backend-${state}`} title={title} aria-label={`Backend: ${stateLabels[state]}`} role="status">
      <span className="backend-dot" aria-hidden="true" />
      {stateLabels[state]}
      {status?.warning && state === 'running' ? ' ⚠' : ''}
    </span>
  );
}
