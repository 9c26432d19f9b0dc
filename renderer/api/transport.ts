import type { IpcResult } from '../../shared/contract/core';

/**
 * How the renderer reaches main. Picked once at start: the Electron preload bridge when
 * present, else a WebSocket to the web host.
 */
export interface Transport {
  readonly kind: 'electron' | 'web';
  invoke(channel: string, input: unknown): Promise<IpcResult<unknown>>;
  /** Subscribes to every contract event; returns an unsubscribe function. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Told when the link to main drops or comes back; absent where it can't drop (Electron's IPC). */
  onStatus?(listener: (connected: boolean) => void): () => void;
}

/** What the preload exposes on `window.kiln` (see electron/preload.ts). */
interface PreloadBridge {
  invoke(channel: string, input: unknown): Promise<IpcResult<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    kiln?: PreloadBridge;
  }
}

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    invoke: (channel, input) => bridge.invoke(channel, input),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
