import { useEffect, useRef } from 'react';
import { useBackends } from '../../backends/store';

/** Live, scrubbed backend output (main scrubs before anything reaches the page). */
export function LogsDrawer({ slug, onClose }: { slug: string; onClose: () => void }) {
  const lines = useBackends((s) => s.logs[slug]);
  const loadLogs = useBackends((s) => s.loadLogs);
  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    loadLogs(slug).catch(() => undefined);
  }, [slug, loadLogs]);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [lines]);
  return (
    <section className="live-logs" aria-label="Backend logs">
      <header className="live-logs-header">
        <h3>Logs</h3>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close logs">
          ✕
        </button>
      </header>
      <pre className="live-logs-body" tabIndex={0} aria-live="polite">
        {(lines ?? []).join('\n') || 'No output yet.'}
        <div ref={endRef} />
      </pre>
    </section>
  );
}
