import { create } from 'zustand';
import type { DatasourceView, SecretsStatus } from '../../../shared/contract/vault';
import { api, errorMessage } from '../../api/client';

interface VaultState {
  datasources: DatasourceView[] | null;
  listError: string | null;
  secrets: SecretsStatus | null;
  loadDatasources(): Promise<void>;
  loadSecrets(): Promise<void>;
  setDatasources(list: DatasourceView[]): void;
  setSecrets(status: SecretsStatus): void;
}

const byLabel = (list: DatasourceView[]): DatasourceView[] => [...list].sort((a, b) => a.label.localeCompare(b.label));

/** Datasources and app-secret status as main reports them; never a secret value. */
export const useVault = create<VaultState>()((set) => ({
  datasources: null,
  listError: null,
  secrets: null,
  async loadDatasources() {
    try {
      set({ datasources: byLabel(await api.call('vault.list')), listError: null });
    } catch (e) {
      set({ listError: errorMessage(e) });
    }
  },
  async loadSecrets() {
    try {
      set({ secrets: await api.call('secrets.status') });
    } catch {
      set({ secrets: null });
    }
  },
  setDatasources(list) {
    set({ datasources: byLabel(list), listError: null });
  },
  setSecrets(status) {
    set({ secrets: status });
  },
}));
