import { create } from 'zustand';
import type { AppInfo } from '../../shared/contract/app';
import type { Settings, SettingsPatch } from '../../shared/contract/settings';
import { api } from '../api/client';

interface SettingsState {
  settings: Settings | null;
  info: AppInfo | null;
  loadError: string | null;
  load(): Promise<void>;
  /** Persists a patch in main; the store follows main's answer (and its `settings.changed` event). */
  update(patch: SettingsPatch): Promise<Settings>;
  replace(settings: Settings): void;
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: null,
  info: null,
  loadError: null,
  async load() {
    try {
      const [settings, info] = await Promise.all([api.call('settings.get'), api.call('app.info')]);
      set({ settings, info, loadError: null });
    } catch (e) {
      set({ loadError: e instanceof Error ? e.message : String(e) });
    }
  },
  async update(patch) {
    const settings = await api.call('settings.update', patch);
    set({ settings });
    return settings;
  },
  replace(settings) {
    set({ settings });
  },
}));
