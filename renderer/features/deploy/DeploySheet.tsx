import { useEffect, useRef } from 'react';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { ErrorBox, LinkTo } from '../publish/SheetParts';
import { DeployForm } from './DeployForm';
import { DeploymentsList } from './DeploymentsList';
import { useDeploy } from './store';
import { useDeploySheet } from './useDeploySheet';
import './deploy.css';

/** The Deploy sheet (beside Publish): mounted once in App, opened from the preview and the gallery. */
export function DeploySheet() {
  const sheet = useDeploy((s) => s.sheet);
  const close = useDeploy((s) => s.close);
  if (!sheet) return null;
  return <DeploySheetBody key={sheet.slug} slug={sheet.slug} onClose={close} />;
}

function DeploySheetBody({ slug, onClose }: { slug: string; onClose(): void }) {
  const notify = useShell((s) => s.notify);
  const s = useDeploySheet(slug);
  const all = useDeploy((st) => st.deployments);
  const load = useDeploy((st) => st.load);
  useEffect(() => {
    void load();
  }, [load]);
  const mine = (all ?? s.review?.deployments ?? []).filter((d) => d.slug === slug);
  const openUrl = (url: string): void => {
    api.call('app.openExternal', { url }).catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
  };
  const footer =
    s.phase === 'done' ? (
      <Button variant="primary" onClick={onClose}>
        Done
      </Button>
    ) : (
      <>
        <Button onClick={onClose} disabled={s.phase === 'deploying'}>
          Close
        </Button>
        <Button variant="primary" onClick={() => void s.deploy()} disabled={!s.canDeploy}>
          {mine.length > 0 ? 'Deploy update' : 'Deploy'}
        </Button>
      </>
    );
  return (
    <Dialog open title={s.review ? `Deploy “${s.review.review.name}”` : 'Deploy'} onClose={s.phase === 'deploying' ? () => undefined : onClose} footer={footer} wide>
      {!s.review && !s.loadError && (
        <p>
          <Spinner label="Checking the artifact" /> Checking what would be deployed…
        </p>
      )}
      {s.loadError && (
        <div role="alert">
          <ErrorBox error={s.loadError} />
          <Button onClick={() => void s.reload()}>Try again</Button>
        </div>
      )}
      {s.review && s.phase === 'review' && <DeployForm sheet={s} review={s.review} />}
      {s.phase !== 'review' && <ProgressLog slug={slug} busy={s.phase === 'deploying'} />}
      {s.phase === 'done' && s.result?.url && (
        <section className="publish-success" aria-label="Deployed">
          <p className="publish-ok">Deployed and healthy.</p>
          <div className="publish-url">
            <LinkTo url={s.result.url} onOpen={openUrl} testId="deploy-url" />
            <Button onClick={() => openUrl(s.result!.url!)}>Open</Button>
          </div>
        </section>
      )}
      {s.review && (
        <section className="publish-section" aria-label="Deployments of this artifact">
          <h3>Deployments</h3>
          <DeploymentsList items={mine} />
        </section>
      )}
    </Dialog>
  );
}

/** Build steps, pull and health checks as they stream in (scrubbed in main). */
function ProgressLog({ slug, busy }: { slug: string; busy: boolean }) {
  const lines = useDeploy((st) => st.progress[slug]);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lines]);
  const last = lines?.at(-1);
  return (
    <section className="publish-section" aria-label="Deploy progress">
      {busy && (
        <p>
          <Spinner label="Deploying" /> {last ? last.line : 'Starting…'}
        </p>
      )}
      <pre ref={pre} className="deploy-log deploy-progress" aria-live="polite" tabIndex={0}>
        {(lines ?? []).map((l) => l.line).join('\n')}
      </pre>
    </section>
  );
}
