import { Button } from '../../components/Button';
import { useShell } from '../../stores/shell';

/** An artifact the agent made or changed: opens it in the preview or the gallery. */
export function ArtifactCard({ slug, name, artifactType }: { slug: string; name: string; artifactType: string }) {
  const openPreview = useShell((s) => s.openPreview);
  const setView = useShell((s) => s.setView);
  return (
    <div className="chat-card chat-artifact" role="group" aria-label={`Artifact ${name}`}>
      <div className="chat-card-text">
        <strong>{name}</strong>
        <span className="muted">{artifactType}</span>
      </div>
      <Button variant="primary" onClick={() => openPreview(slug)}>
        Open preview
      </Button>
      <Button variant="ghost" onClick={() => setView('gallery')}>
        Gallery
      </Button>
    </div>
  );
}

/** The agent suggests publishing; only this click opens the review sheet. */
export function PublishCard({ slug, note }: { slug: string; note?: string | undefined }) {
  const openPublishSheet = useShell((s) => s.openPublishSheet) as ((slug: string) => void) | undefined;
  return (
    <div className="chat-card chat-publish" role="group" aria-label="Publish suggestion">
      <div className="chat-card-text">
        <strong>Ready to publish?</strong>
        <span className="muted">{note ?? `The agent suggests publishing ${slug}. You review everything first.`}</span>
      </div>
      <Button variant="primary" onClick={() => openPublishSheet?.(slug)}>
        Review and publish…
      </Button>
    </div>
  );
}
