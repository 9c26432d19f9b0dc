import type { Services } from '../../core/services';
import { secretsStatus } from '../../services/vault/secrets-status';
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
  const statusChanged = async () => {
    const status = await secretsStatus(s.secrets);
    s.events.emit('secrets.changed', status);
    return status;
  };
  return {
    'vault.list': () => s.vault.list(),
    'vault.get': ({ slug }) => s.vault.get(slug),
    'vault.create': (input) => s.vault.create(input),
    'vault.update': (input) => s.vault.update(input),
    'vault.delete': ({ slug }) => s.vault.delete(slug),
    'vault.importPreview': () => s.vault.importPreview(),
    'vault.importConfirm': ({ slugs }) => s.vault.importConfirm(slugs),
    'secrets.status': () => secretsStatus(s.secrets),
    'secrets.set': async ({ account, value }) => {
      await s.secrets.set(account, value.trim());
      return statusChanged();
    },
    'secrets.clear': async ({ account }) => {
      await s.secrets.delete(account);
      return statusChanged();
    },
  };
}
