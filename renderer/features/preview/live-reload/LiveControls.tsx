import { useEffect } from 'react';
import { errorMessage } from '../../../api/client';
import { useShell } from '../../../stores/shell';
import { useBackends } from '../../backends/store';
import { useLive } from './store';

/**
 * The "Live reload" switch (on by default, remembered per artifact) and the chip that says
 * what the preview is doing about the last edit: "Reloading…" (the page) or "Restarting…"
 * (a new backend version starting while the old one serves).
 */
export function LiveControls({ slug }: { slug: string }) {
  const enabled = useLive((s) => s.enabled[slug]);
  const reloading = useLive((s) => s.reloading[slug] ?? false);
  const restarting = useBackends((s) => s.statuses[slug]?.reload?.phase === 'restarting');
  const notify = useShell((s) => s.notify);
  useEffect(() => {
    if (useLive.getState().enabled[slug] === undefined) useLive.getState().load(slug).catch(() => undefined);
  }, [slug]);
  const on = enabled !== false;
  const toggle = (): void => {
    useLive
      .getState()
      .setEnabled(slug, !on)
      .catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
  };
  const chip = restarting ? 'Restarting…' : reloading ? 'Reloading…' : null;
  return (
    <span className="live-controls">
      {chip && (
        <span className="live-chip" role="status">
          {chip}
        </span>
      )}
      <label className="live-toggle" title="Reload the preview (and restart the backend) when a file changes">
        <input type="checkbox" role="switch" checked={on} onChange={toggle} aria-checked={on} />
        Live reload
      </label>
    </span>
  );
}
