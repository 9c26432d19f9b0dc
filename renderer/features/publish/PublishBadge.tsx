import { useEffect } from 'react';
import { useEvent } from '../../api/hooks';
import { usePublishStatus } from './store';
import './publish.css';

/** "Published" / "Unpublished changes" pill for a gallery card; nothing when never published. */
export function PublishBadge({ slug }: { slug: string }) {
  const status = usePublishStatus((s) => s.statuses[slug]);
  const refresh = usePublishStatus((s) => s.refresh);
  useEffect(() => {
    void refresh(slug);
  }, [slug, refresh]);
  useEvent('publish.changed', (e) => {
    if (e.slug === slug) void refresh(slug);
  });
  useEvent('artifacts.changed', (e) => {
    // '*' (or an empty list) means "anything may have changed", e.g. after a workspace switch.
    if (e.slugs.length === 0 || e.slugs.includes('*') || e.slugs.includes(slug)) void refresh(slug);
  });
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
