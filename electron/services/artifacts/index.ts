import type { EventBus } from '../events/event-bus';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { SettingsStore } from '../settings/settings-store';
import { ArtifactReaders } from './readers';
import { ArtifactStore, type ArtifactStoreOptions } from './store';
import { ArtifactWatcher } from './watcher';

export { ArtifactStore } from './store';
export type { TurnInput, DeleteResult } from './store';
export { ArtifactReaders } from './readers';
export { ArtifactWatcher } from './watcher';

/**
 * Builds the store, its preview readers and the watcher, and wires them: changes reach the
 * event bus as `artifacts.changed`; a workspace change re-roots the watcher; quit closes it.
 */
export async function createArtifactServices(deps: {
  store: ArtifactStoreOptions;
  events: EventBus;
  settings: SettingsStore;
  shutdown: ShutdownRegistry;
  watch?: boolean;
}): Promise<{ store: ArtifactStore; readers: ArtifactReaders; watcher: ArtifactWatcher }> {
  const store = new ArtifactStore(deps.store);
  const readers = new ArtifactReaders(store);
  store.onChanged((slugs) => deps.events.emit('artifacts.changed', { slugs }));
  const watcher = new ArtifactWatcher(store, (slugs) => store.notify(slugs));
  if (deps.watch !== false) {
    // Not awaited: the initial scan of a big workspace takes seconds (see bench/results), and
    // lists are correct without the watcher (stat-checked); it only makes them faster and live.
    watcher.start().catch(() => {
      // Without a watcher the gallery still works; it refreshes on Kiln's own writes.
    });
    let root = store.root();
    deps.settings.onChange(() => {
      if (store.root() === root) return;
      root = store.root();
      void watcher.restart().then(() => store.notify(['*']));
    });
    deps.shutdown.register('artifacts-watcher', () => watcher.stop());
  }
  return { store, readers, watcher };
}
