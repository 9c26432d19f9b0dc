import { useEffect, useState } from 'react';
import { isolationSentence, type Diagnostics } from '../../../shared/contract/diagnostics';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { useShell } from '../../stores/shell';
import './diagnostics.css';

/** Versions, paths, Python, keychain, running backends and recent problems; copyable (scrubbed). */
export function DiagnosticsSection() {
  const notify = useShell((s) => s.notify);
  const [report, setReport] = useState<Diagnostics | null>(null);
  const { busy, error, run: load } = useAsyncAction(async () => setReport(await api.call('diagnostics.get')));
  useEffect(() => void load(), [load]);
  const copy = async (): Promise<void> => {
    try {
      const { text } = await api.call('diagnostics.copyText');
      await navigator.clipboard.writeText(text);
      notify({ level: 'success', message: 'Diagnostics copied. Secrets were removed; paste them into your bug report.' });
    } catch (e) {
      notify({ level: 'error', message: `Could not copy the diagnostics: ${errorMessage(e)}` });
    }
  };
  if (error) return <p className="error-text" role="alert">{error.message}</p>;
  if (!report) return <Spinner label="Collecting diagnostics" />;
  return (
    <div className="diagnostics">
      <div className="settings-row">
        <Button variant="primary" onClick={() => void copy()}>
          <Icon name="copy" /> Copy diagnostics
        </Button>
        <Button onClick={() => void load()} disabled={busy}>
          <Icon name="refresh" /> Refresh
        </Button>
      </div>
      <dl className="about-facts">
        <dt>Kiln</dt>
        <dd>
          {report.app.version} ({report.app.runtime === 'electron' ? 'desktop' : 'web host'}) on {report.app.platform} {report.app.arch}
        </dd>
        {Object.entries(report.versions).map(([k, v]) => (
          <div key={k} className="about-pair">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        <dt>Python</dt>
        <dd>
          {report.python.found ? `${report.python.version} at ${report.python.path}` : 'not found'}
          {report.python.problem && <div className="error-text">{report.python.problem}</div>}
        </dd>
        <dt>Keychain</dt>
        <dd>
          {report.keychain.available ? 'available' : 'not available'}
          {report.keychain.problem && <div className="error-text">{report.keychain.problem}</div>}
        </dd>
        {report.isolation && (
          <>
            <dt>App isolation</dt>
            <dd className={report.isolation.isolated ? undefined : 'error-text'}>{isolationSentence(report.isolation)}</dd>
          </>
        )}
        <dt>Workspace</dt>
        <dd>
          <code>{report.workspace}</code>
        </dd>
        <dt>Settings folder</dt>
        <dd>
          <code>{report.userData}</code>
        </dd>
      </dl>
      <h3>Backends</h3>
      {report.backends.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {report.backends.map((b) => (
            <li key={b.slug}>
              <code>{b.slug}</code> — {b.state}
              {b.error ? ` (${b.error})` : ''}
            </li>
          ))}
        </ul>
      )}
      <h3>Recent problems</h3>
      {report.recentErrors.length === 0 ? (
        <p className="muted">None since Kiln started.</p>
      ) : (
        <ul className="diag-errors">
          {report.recentErrors.map((n) => (
            <li key={n.id}>
              <span className="muted">{new Date(n.at).toLocaleTimeString()}</span> {n.message}
              {n.details && <pre>{n.details}</pre>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
