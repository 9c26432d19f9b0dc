import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { ReviewView } from './ReviewView';
import { ProgressView, SuccessView } from './SheetParts';
import { usePublishSheet } from './usePublishSheet';
import './publish.css';

/** The review sheet: mounted once in App; opened from the gallery, the preview and the chat card. */
export function PublishSheet() {
  const sheet = useShell((s) => s.publishSheet);
  const close = useShell((s) => s.closePublishSheet);
  if (!sheet) return null;
  return <PublishSheetBody key={sheet.slug} slug={sheet.slug} onClose={close} />;
}

function PublishSheetBody({ slug, onClose }: { slug: string; onClose(): void }) {
  const notify = useShell((s) => s.notify);
  const sheet = usePublishSheet(slug);
  const { pf, loadError, phase } = sheet;

  const copy = async (url: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      notify({ level: 'success', message: 'Link copied.' });
    } catch {
      notify({ level: 'warning', message: 'Could not copy; select the link and copy it yourself.' });
    }
  };
  const openUrl = (url: string): void => {
    api.call('app.openExternal', { url }).catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
  };

  const footer =
    phase === 'done' ? (
      <Button variant="primary" onClick={onClose}>
        Done
      </Button>
    ) : phase === 'review' ? (
      <>
        {sheet.published && (
          <Button variant="danger" onClick={() => sheet.setConfirmUnpublish(true)} disabled={sheet.unpublishing}>
            Unpublish
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
        <Button variant="primary" onClick={() => void sheet.publish()} disabled={!sheet.canPublish}>
          {sheet.published ? 'Publish update' : 'Publish'}
        </Button>
      </>
    ) : undefined;

  return (
    <Dialog open title={pf ? `Publish “${pf.name}”` : 'Publish'} onClose={phase === 'publishing' ? () => undefined : onClose} footer={footer} wide>
      {!pf && !loadError && (
        <p>
          <Spinner label="Checking the artifact" /> Checking what would be published…
        </p>
      )}
      {loadError && (
        <div role="alert">
          <p className="error-text">{loadError.message}</p>
          {loadError.details && <pre className="publish-details">{loadError.details}</pre>}
          <Button onClick={() => void sheet.reload()}>Try again</Button>
        </div>
      )}
      {pf && phase === 'done' && sheet.result && <SuccessView result={sheet.result} onOpen={openUrl} onCopy={(url) => void copy(url)} />}
      {pf && phase === 'publishing' && <ProgressView progress={sheet.progress} onCancel={sheet.cancel} />}
      {pf && phase === 'review' && <ReviewView pf={pf} sheet={sheet} onOpen={openUrl} />}
      <ConfirmDialog
        open={sheet.confirmUnpublish}
        title="Unpublish?"
        message="The published link stops working for everyone. You can publish again later (with a new link)."
        confirmLabel="Unpublish"
        danger
        busy={sheet.unpublishing}
        onConfirm={sheet.unpublish}
        onCancel={() => sheet.setConfirmUnpublish(false)}
      />
    </Dialog>
  );
}
