import { useEffect } from 'react';
import { usePublish } from './store';
import './publish.css';

/** "Published" / "Unpublished changes" pill for a gallery card; nothing when never published. */
export function PublishBadge({ slug }: { slug: string }) {
  const status = usePublish((s) => s.statuses[slug]);
  const known = usePublish((s) => slug in s.statuses);
  useEffect(() => {
    if (!known) usePublish.getState().ensure(slug);
  }, [slug, known]);
  if (!status || status.state === 'not-published') return null;
  const published = status.state === 'published';
  return (
    <span
      className={`publish-badge ${published ? 'publish-badge-ok' : 'publish-badge-changed'}`}
      title={published ? `Published at ${status.url ?? ''}` : 'The files changed since the last publish'}
    >
      {published ? 'Published' : 'Unpublished changes'}
    </span>
  );
}
