import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type PublishChannels =
  | 'publish.preflight'
  | 'publish.start'
  | 'publish.cancel'
  | 'publish.status'
  | 'publish.unpublish'
  | 'publish.versions'
  | 'publish.rollback'
  | 'publish.export'
  | 'publish.setApiKey'
  | 'publish.datasourceCheck'
  | 'publish.declareDatasource'
  | 'publish.keyOrigin'
  | 'publish.confirmOrigin';

/** Thin: the router has validated every input against the contract; the service does the work. */
export function publishHandlers(s: Services): Pick<HandlerMap, PublishChannels> {
  return {
    'publish.preflight': ({ slug }) => s.publish.preflight(slug),
    'publish.start': ({ slug, access }) => s.publish.publish(slug, access),
    'publish.cancel': ({ slug }) => ({ cancelled: s.publish.cancel(slug) }),
    'publish.status': ({ slug }) => s.publish.status(slug),
    'publish.unpublish': ({ slug }) => s.publish.unpublish(slug),
    'publish.versions': ({ slug }) => s.publish.versions(slug),
    'publish.rollback': ({ slug, md5 }) => s.publish.rollback(slug, md5),
    'publish.export': ({ slug, path }) => s.publish.exportBundle(slug, path),
    'publish.datasourceCheck': ({ slug }) => s.publish.datasourceCheck(slug),
    'publish.declareDatasource': ({ slug, datasource }) => s.publish.declareDatasource(slug, datasource),
    'publish.keyOrigin': () => s.publish.keyOrigin(),
    'publish.confirmOrigin': ({ origin }) => s.publish.confirmOrigin(origin),
    'publish.setApiKey': async ({ key }) => {
      await s.publish.setApiKey(key);
    },
  };
}
