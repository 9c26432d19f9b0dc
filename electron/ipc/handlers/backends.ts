import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type BackendChannels = 'backends.launch' | 'backends.stop' | 'backends.restart' | 'backends.status' | 'backends.list' | 'backends.logs' | 'backends.python';

export function backendsHandlers(s: Services): Pick<HandlerMap, BackendChannels> {
  return {
    'backends.launch': ({ slug }) => s.backends.launch(slug),
    'backends.stop': ({ slug }) => s.backends.stop(slug),
    'backends.restart': ({ slug }) => s.backends.restart(slug),
    'backends.status': ({ slug }) => s.backends.status(slug),
    'backends.list': () => s.backends.list(),
    'backends.logs': async ({ slug, tail }) => ({ lines: await s.backends.logs(slug, { tail }) }),
    'backends.python': () => s.python.find(),
  };
}
