import { ARTIFACT_FRAME_SANDBOX } from '../frame-sandbox';
import { useLiveFrame } from './useLiveFrame';
import './live-reload.css';

/** A static artifact's frame that follows edits to its files (see useLiveFrame). */
export function LiveFrame({ slug, url, title }: { slug: string; url: string; title: string }) {
  const live = useLiveFrame(slug, url);
  return <iframe key={live.key} ref={live.ref} onLoad={live.onLoad} className="preview-frame" title={title} src={url} sandbox={ARTIFACT_FRAME_SANDBOX} />;
}
