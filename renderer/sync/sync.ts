import type { EventName, EventPayload } from '../../shared/contract/index';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/lib/emitter';
import type { ArtifactChange } from '../../shared/contract/artifacts';
import { delayBackendChanges } from './backend-change-delay';
import { api } from '../api/client';
import { useBackends } from '../features/backends/store';
import { useChat } from '../features/chat/store';
import { useGallery } from '../features/gallery/store';
import { usePreview } from '../features/preview/store';
import { useLive } from '../features/preview/live-reload/store';
import { useThumbnails } from '../features/gallery/thumbnails';
import { usePublish } from '../features/publish/store';
import { deploymentChanged, useDeploy } from '../features/deploy/store';
import { useHistory } from '../features/history/store';
import { useVault } from '../features/vault/store';
import { useMcp } from '../features/mcp/store';
import { useSettings } from '../stores/settings';
import { useShell } from '../stores/shell';

function applyArtifactChanges(changes: readonly ArtifactChange[], rescan: boolean): void {
  const gallery = useGallery.getState();
  // A workspace switch replaces the whole list: read it once (if it was ever shown).
  if (rescan) {
    if (gallery.loaded) void gallery.load();
  } else gallery.applyChanges(changes);
  usePreview.getState().applyChanges(changes, rescan);
  usePublish.getState().applyChanges(changes, rescan);
  if (!rescan) useLive.getState().applyChanges(changes);
}

const artifactChanges = delayBackendChanges((changes) => applyArtifactChanges(changes, false));

/**
 * Where each contract event goes: one store action per event, and nothing else subscribes.
 * The type makes an event added to the contract a compile error here until it has a home.
 */
export const eventHandlers: { [E in EventName]: (payload: EventPayload<E>) => void } = {
  'chat.event': (e) => useChat.getState().applyLive(e),
  'app.notice': (n) => useShell.getState().notify({ level: n.level, message: n.message, details: n.details }),
  'settings.changed': (s) => useSettings.getState().replace(s),
  'vault.changed': (list) => useVault.getState().setDatasources(list),
  'secrets.changed': (status) => useVault.getState().setSecrets(status),
  'artifacts.changed': ({ changes, rescan }) => {
    // Backend code only: a moment later, off a live restart's critical path (backend-change-delay.ts).
    if (!rescan) return artifactChanges.push(changes);
    artifactChanges.flush();
    applyArtifactChanges(changes, true);
  },
  'preview.thumbnailChanged': ({ slug }) => useThumbnails.getState().changed(slug),
  'publish.progress': (p) => usePublish.getState().setProgress(p),
  'publish.changed': ({ slug }) => {
    // Only a status something shows is worth a call; others load when their card appears.
    const publish = usePublish.getState();
    if (slug in publish.statuses) void publish.refresh(slug);
  },
  'deploy.progress': (p) => useDeploy.getState().addProgress(p),
  'deploy.changed': () => deploymentChanged(),
  'deploy.log': ({ id, text }) => useDeploy.getState().appendLog(id, text),
  'history.changed': ({ slug }) => useHistory.getState().changed(slug),
  'backends.state': (status) => useBackends.getState().setStatus(status),
  'mcp.changed': (list) => useMcp.getState().setServers(list),
  'mcp.permissions': (pending) => useMcp.getState().setPending(pending),
  'backends.log': ({ slug, lines }) => useBackends.getState().appendLogs(slug, lines),
  'backends.progress': ({ slug, lines }) => useBackends.getState().appendProgress(slug, lines),
};

function dispatch(name: string, payload: unknown): void {
  if (!Object.hasOwn(eventHandlers, name)) return;
  // The transport checked nothing; main validated the payload against this event's schema.
  (eventHandlers[name as EventName] as (p: unknown) => void)(payload);
}

/** Events sent while the link was down are lost: read again what is on screen. */
function onConnection(connected: boolean): void {
  const shell = useShell.getState();
  const was = shell.connected;
  shell.setConnected(connected);
  if (!connected || was) return;
  void useSettings.getState().load();
  const chat = useChat.getState();
  if (chat.activeId) void chat.open(chat.activeId);
  void chat.refreshList();
  void useMcp.getState().loadPending();
  const gallery = useGallery.getState();
  if (gallery.loaded) void gallery.load();
  usePreview.getState().reload();
  usePublish.getState().applyChanges([], true);
}

let running: Disposable | null = null;

/** Subscribes every contract event (and the connection state) to the stores, once for the page. */
export function startSync(): Disposable {
  if (running) return running;
  const subs = new DisposableStore();
  subs.add(toDisposable(api.onEvent(dispatch)));
  subs.add(toDisposable(api.onConnection(onConnection)));
  subs.add(toDisposable(() => artifactChanges.dispose()));
  running = toDisposable(() => {
    subs.dispose();
    running = null;
  });
  return running;
}
