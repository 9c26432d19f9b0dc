import type { ConnectionTestResult } from '../../../shared/contract/datasources';
import type { ConnectionStatus } from '../../../shared/contract/vault';
import { relativeTime } from '../gallery/model';

/** A datasource's last "Test connection": untested, connected or failing, and when. */
export function ConnectionBadge({ status, testing }: { status: ConnectionStatus; testing?: boolean }) {
  if (testing) return <span className="conn-badge conn-testing">Testing…</span>;
  if (status.state === 'untested') return <span className="conn-badge conn-untested">Untested</span>;
  const when = status.at ? (
    <>
      {' · '}
      <time dateTime={status.at} title={new Date(status.at).toLocaleString()}>
        {relativeTime(status.at)}
      </time>
    </>
  ) : null;
  return (
    <span className={`conn-badge ${status.state === 'ok' ? 'conn-ok' : 'conn-failing'}`}>
      {status.state === 'ok' ? 'Connected' : 'Failing'}
      {when}
    </span>
  );
}

/** The one-sentence outcome of a test run in the form. */
export function TestResultLine({ result, busy }: { result: ConnectionTestResult | null; busy: boolean }) {
  return (
    <p className={`test-result ${result && !busy ? (result.ok ? 'test-ok' : 'error-text') : 'muted'}`} role="status" aria-live="polite">
      {busy ? 'Testing the connection…' : (result?.message ?? '')}
    </p>
  );
}
