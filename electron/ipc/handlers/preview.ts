import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function previewHandlers(s: Services): Pick<HandlerMap, 'preview.open'> {
  return {
    'preview.open': async ({ slug }) => ({ url: await s.preview.urlFor(slug) }),
  };
}
