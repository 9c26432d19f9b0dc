import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { APP_ORIGIN, EVENT_CHANNEL } from '../../shared/contract/allowlist';
import type { EventBus } from '../services/events/event-bus';
import type { Router } from '../ipc/router';

/** True only for the app's own page, in the top frame of the app's own window. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, window: () => WebContents | null): boolean {
  const frame = event.senderFrame;
  const contents = window();
  if (!frame || !contents || event.sender !== contents) return false;
  if (frame.parent !== null) return false;
  try {
    // Compare scheme and host: Node's URL reports origin "null" for custom schemes.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * The contract over Electron IPC: one `ipcMain.handle` per endpoint (derived from the router's
 * channel list), each refusing calls from any page other than the app's own.
 */
export function registerElectronTransport(router: Router, events: EventBus, window: () => WebContents | null): () => void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event, window)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the Kiln window.' } };
      }
      return router.call(channel, input, { transport: 'electron' });
    });
  }
  const subscription = events.subscribe((name, payload) => {
    const contents = window();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
  return () => {
    subscription.dispose();
    for (const channel of router.channels) ipcMain.removeHandler(channel);
  };
}
