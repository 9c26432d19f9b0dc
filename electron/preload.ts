/**
 * The only bridge between the sandboxed page and main. It exposes two functions on
 * `window.kiln`, and only for the contract's own channels and events (derived allowlist);
 * `ipcRenderer` itself never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { allowedChannels, allowedEvents, EVENT_CHANNEL } from '../shared/contract/allowlist';

export const bridge = {
  invoke(channel: string, input: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !allowedChannels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: `"${String(channel).slice(0, 100)}" is not a Kiln endpoint.` } });
    }
    return ipcRenderer.invoke(channel, input) as Promise<unknown>;
  },
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (typeof name === 'string' && allowedEvents.has(name)) listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('kiln', bridge);
