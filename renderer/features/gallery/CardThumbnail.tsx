import { useEffect } from 'react';
import { Icon, type IconName } from '../../components/Icon';
import { useThumbnails } from './thumbnails';

/** The picture of the artifact as last previewed, or its type icon when there is none. */
export function CardThumbnail({ slug, name, icon, label }: { slug: string; name: string; icon: IconName; label: string }) {
  const pic = useThumbnails((s) => s.pics[slug]);
  useEffect(() => {
    if (!(slug in useThumbnails.getState().pics)) useThumbnails.getState().load(slug).catch(() => undefined);
  }, [slug]);
  return (
    <div className="artifact-thumb" aria-hidden={pic ? undefined : true}>
      {pic ? <img src={pic} alt={`Thumbnail of ${name}`} loading="lazy" /> : <Icon name={icon} size={32} label={label} />}
    </div>
  );
}
