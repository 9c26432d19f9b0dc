import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type PreviewChannels = 'preview.open' | 'preview.liveReload' | 'preview.setLiveReload' | 'preview.saveThumbnail' | 'preview.captureThumbnail' | 'preview.thumbnail';

export function previewHandlers(s: Services): Pick<HandlerMap, PreviewChannels> {
  return {
    'preview.open': async ({ slug }) => ({ url: await s.preview.urlFor(slug) }),
    'preview.liveReload': async ({ slug }) => ({ on: await s.liveReload.enabled(slug) }),
    'preview.setLiveReload': async ({ slug, on }) => ({ on: await s.liveReload.setEnabled(slug, on) }),
    'preview.saveThumbnail': ({ slug, png }) => s.thumbnails.save(slug, png),
    'preview.captureThumbnail': ({ slug, ...request }) => s.previewCapture.capture(slug, request),
    'preview.thumbnail': ({ slug }) => s.thumbnails.get(slug),
  };
}
