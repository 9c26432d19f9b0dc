import type { DeployReview, RestartPolicy } from '../../../shared/contract/deploy';
import { Field, TextInput } from '../../components/Field';
import { formatBytes } from '../publish/format';
import { ErrorBox, ProblemList } from '../publish/SheetParts';
import type { useDeploySheet } from './useDeploySheet';

const POLICIES: { value: RestartPolicy; label: string }[] = [
  { value: 'unless-stopped', label: 'Unless stopped (restart with the engine)' },
  { value: 'always', label: 'Always' },
  { value: 'on-failure', label: 'On failure (up to 5 times)' },
  { value: 'no', label: 'Never' },
];

/** Target, port, restart policy and the publish review (files, leak scan, datasources). */
export function DeployForm({ sheet, review }: { sheet: ReturnType<typeof useDeploySheet>; review: DeployReview }) {
  const pf = review.review;
  return (
    <>
      <p className="publish-summary">
        {pf.kind === 'fullstack' ? 'Fullstack app' : 'Static report'} · {pf.files.length} file{pf.files.length === 1 ? '' : 's'} · {formatBytes(pf.totalBytes)} · built on{' '}
        <code>{review.baseImages[sheet.targetId] ?? ''}</code>
      </p>
      {sheet.error && <ErrorBox error={sheet.error} />}
      <ProblemList items={pf.blocking} kind="blocking" action="deploying" />
      <ProblemList items={pf.warnings} kind="warning" />
      <div className="deploy-choices">
        <Field label="Target" hint="Add remote Docker hosts in Settings → Deploy.">
          {(id, describedBy) => (
            <select id={id} className="input" aria-describedby={describedBy} value={sheet.targetId} onChange={(e) => sheet.setTargetId(e.target.value)}>
              {review.targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Port on the host" error={sheet.portError}>
          {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} inputMode="numeric" value={sheet.port} onChange={(e) => sheet.setPort(e.target.value.trim())} />}
        </Field>
        <Field label="Restart policy">
          {(id) => (
            <select id={id} className="input" value={sheet.policy} onChange={(e) => sheet.setPolicy(e.target.value as RestartPolicy)}>
              {POLICIES.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <details className="publish-files">
        <summary>Files in the image ({pf.files.length})</summary>
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
              <p className="muted">Passed to the container as environment when it starts — never built into the image:</p>
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
    </>
  );
}
