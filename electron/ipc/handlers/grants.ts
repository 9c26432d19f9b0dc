import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

export function grantsHandlers(s: Services): Pick<HandlerMap, 'grants.get' | 'grants.allow' | 'grants.revoke'> {
  return {
    'grants.get': ({ slug }) => s.grants.get(slug),
    'grants.allow': ({ slug, datasources }) => s.grants.allow(slug, datasources),
    'grants.revoke': ({ slug, datasources }) => s.grants.revoke(slug, datasources),
  };
}
