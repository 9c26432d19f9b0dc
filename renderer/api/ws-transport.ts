import type { IpcResult } from '../../shared/contract/core';
import type { Transport } from './transport';
import { Emitter } from '../../shared/lib/emitter';

type ServerMessage =
  | { type: 'result'; id: number; result: IpcResult<unknown> }
  | { type: 'event'; name: string; payload: unknown };

/**
 * The web host trades the start-up link's token for an HttpOnly session cookie on the first
 * load and redirects without it (electron/webhost/session.ts), so the page normally never sees
 * a token and connects with `?token=session` ("use my cookie"). Should a token still be in
 * the address bar, it is used once and removed — never stored.
 */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return 'session';
}

/**
 * WebSocket transport with reconnect: calls made while disconnected wait for the socket;
 * calls in flight when it drops fail with UNAVAILABLE so the UI can say so.
 */
export function webSocketTransport(token: string): Transport {
  const events = new Emitter<{ name: string; payload: unknown }>((e) => console.error(e));
  const status = new Emitter<boolean>((e) => console.error(e));
  const onStatus = (connected: boolean): void => status.fire(connected);
  const pending = new Map<number, (r: IpcResult<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let retryDelay = 250;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise<WebSocket>((resolve) => {
      const open = (): void => {
        const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
        const ws = new WebSocket(`${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
        ws.onopen = () => {
          socket = ws;
          retryDelay = 250;
          onStatus(true);
          resolve(ws);
        };
        ws.onmessage = (e) => {
          let msg: ServerMessage;
          try {
            msg = JSON.parse(String(e.data)) as ServerMessage;
          } catch {
            return;
          }
          if (msg.type === 'result') {
            pending.get(msg.id)?.(msg.result);
            pending.delete(msg.id);
          } else if (msg.type === 'event') {
            events.fire({ name: msg.name, payload: msg.payload });
          }
        };
        ws.onclose = () => {
          const wasOpen = socket === ws;
          socket = null;
          for (const [id, settle] of pending) {
            settle({ ok: false, error: { code: 'UNAVAILABLE', message: 'Lost the connection to Kiln. It will reconnect when Kiln is running again.' } });
            pending.delete(id);
          }
          if (wasOpen) {
            onStatus(false);
            ready = null;
            // Reconnect in the background so events resume after a restart of the host.
            setTimeout(() => void connect(), retryDelay);
          } else {
            retryDelay = Math.min(retryDelay * 2, 4000);
            setTimeout(open, retryDelay);
          }
        };
      };
      open();
    });
    return ready;
  };

  void connect();

  return {
    kind: 'web',
    async invoke(channel, input) {
      const ws = await connect();
      const id = nextId++;
      return new Promise<IpcResult<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, channel, input }));
      });
    },
    subscribe(listener) {
      const sub = events.on((e) => listener(e.name, e.payload));
      return () => sub.dispose();
    },
    onStatus(listener) {
      const sub = status.on(listener);
      return () => sub.dispose();
    },
  };
}
