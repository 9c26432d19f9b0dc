import { DisposableStore } from '../../../shared/lib/emitter';
import type { EventBus } from '../events/event-bus';
import type { AfterStart } from '../lifecycle/after-start';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import type { SettingsStore } from '../settings/settings-store';
import { ArtifactReaders } from './readers';
import { ArtifactStore, type ArtifactStoreOptions } from './store';
import { ArtifactWatcher } from './watcher';

export { ArtifactStore } from './store';
export type { TurnInput, DeleteResult, ArtifactsChanged } from './store';
export { ArtifactFiles, type LocatedFile } from './artifact-files';
export { ArtifactReaders } from './readers';
export { ArtifactWatcher } from './watcher';

/**
 * Builds the store, its preview readers and the watcher, and wires them: every change (Kiln's
 * own writes at once, outside ones from the watcher) reaches the event bus as one
 * `artifacts.changed`; a workspace change re-roots the watcher and announces a rescan; quit
 * closes the watcher and drops the subscriptions.
 */
export async function createArtifactServices(deps: {
  store: ArtifactStoreOptions;
  events: EventBus;
  settings: SettingsStore;
  shutdown: ShutdownRegistry;
  watch?: boolean;
  /** Where the watcher's start and the crash tidy-up wait for the host to be up (default: start now). */
  afterStart?: AfterStart;
}): Promise<{ store: ArtifactStore; readers: ArtifactReaders; watcher: ArtifactWatcher }> {
  const store = new ArtifactStore(deps.store);
  const later = (name: string, task: () => Promise<unknown>): void => {
    if (deps.afterStart) deps.afterStart.later(name, task);
    else void task().catch(() => undefined);
  };
  const readers = new ArtifactReaders(store);
  const subscriptions = new DisposableStore();
  deps.shutdown.register('artifacts-events', () => subscriptions.dispose());
  subscriptions.add(store.onChanged((event) => deps.events.emit('artifacts.changed', event)));
  const watcher = new ArtifactWatcher(store);
  let root = store.root();
  subscriptions.add(
    deps.settings.onChange(() => {
      if (store.root() === root) return;
      root = store.root();
      store.rescan();
      if (deps.watch !== false) void watcher.restart().catch(() => undefined);
    }),
  );
  if (deps.watch !== false) {
    // Not awaited, and after the host is up: lists are correct without the watcher (they read
    // the disk until it covers the root, and the store announces a rescan when it starts after
    // a list was served); it only makes them faster and shows outside changes live.
    later('artifacts-watcher', () =>
      watcher.start().catch(() => {
        // Without a watcher the gallery still works; it updates on Kiln's own writes.
      }),
    );
    deps.shutdown.register('artifacts-watcher', () => watcher.stop());
  }
  // A crash may have left a create half-done or temp files behind; tidied in the background.
  later('artifacts-recover', () => store.recoverAtStart());
  return { store, readers, watcher };
}
