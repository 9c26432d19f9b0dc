import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type VaultChannels =
  | 'vault.list'
  | 'vault.get'
  | 'vault.create'
  | 'vault.update'
  | 'vault.delete'
  | 'vault.importPreview'
  | 'vault.importConfirm'
  | 'secrets.status'
  | 'secrets.set'
  | 'secrets.clear';

/** Thin: the router validated the input; the vault re-checks fields against the engine catalog. */
export function vaultHandlers(s: Services): Pick<HandlerMap, VaultChannels> {
  return {
    'vault.list': () => s.vault.list(),
    'vault.get': ({ slug }) => s.vault.get(slug),
    'vault.create': (input) => s.vault.create(input),
    'vault.update': (input) => s.vault.update(input),
    'vault.delete': ({ slug }) => s.vault.delete(slug),
    'vault.importPreview': () => s.vault.importPreview(),
    'vault.importConfirm': ({ slugs }) => s.vault.importConfirm(slugs),
    'secrets.status': () => s.appSecrets.status(),
    'secrets.set': ({ account, value }) => s.appSecrets.set(account, value),
    'secrets.clear': ({ account }) => s.appSecrets.clear(account),
  };
}
