import type { Preflight } from '../../../shared/contract/publish';
import { AccessPicker } from './AccessPicker';
import { ApiKeyPrompt } from './ApiKeyPrompt';
import { ExportPanel } from './ExportPanel';
import { formatBytes } from './format';
import { ErrorBox, LinkTo, ProblemList } from './SheetParts';
import type { usePublishSheet } from './usePublishSheet';
import { VersionsPanel } from './VersionsPanel';

/** What would be published: summary, problems, files, secrets, access, versions, export. */
export function ReviewView({ pf, sheet, onOpen }: { pf: Preflight; sheet: ReturnType<typeof usePublishSheet>; onOpen(url: string): void }) {
  return (
    <>
      <p className="publish-summary">
        {pf.kind === 'fullstack' ? 'Fullstack app' : 'Static report'} · {pf.files.length} file{pf.files.length === 1 ? '' : 's'} ·{' '}
        {formatBytes(pf.totalBytes)}
        {pf.bundleBytes !== null && <> · zip {formatBytes(pf.bundleBytes)}</>} · to <code>{pf.publishUrl}</code>
      </p>
      {pf.status.state !== 'not-published' && pf.status.url && (
        <p className="publish-current">
          {pf.status.state === 'published' ? 'Published and up to date at ' : 'Published, with unpublished changes, at '}
          <LinkTo url={pf.status.url} onOpen={onOpen} />
        </p>
      )}
      {sheet.keyNeeded && <ApiKeyPrompt reason={sheet.keyNeeded} onSaved={sheet.keySaved} />}
      {sheet.error && <ErrorBox error={sheet.error} />}
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
      {pf.kind === 'fullstack' && <SecretNames names={pf.secretNames} />}
      <AccessPicker
        value={sheet.access}
        onChange={sheet.setAccess}
        passwordSet={pf.status.access.passwordSet}
        antonPlaintext={pf.status.access.antonPlaintext ?? false}
      />
      {pf.kind === 'static' && pf.status.state !== 'not-published' && <VersionsPanel slug={pf.slug} onChanged={() => void sheet.reload()} />}
      <ExportPanel slug={pf.slug} fullstack={pf.kind === 'fullstack'} />
    </>
  );
}

function SecretNames({ names }: { names: string[] }) {
  return (
    <section className="publish-section" aria-label="Datasource secrets">
      <h3>Datasource secrets</h3>
      {names.length === 0 ? (
        <p className="muted">None: this app reads no datasource.</p>
      ) : (
        <>
          <p className="muted">Sent in the request to the publish service (never inside the bundle):</p>
          <ul className="publish-names">
            {names.map((n) => (
              <li key={n}>
                <code>{n}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
