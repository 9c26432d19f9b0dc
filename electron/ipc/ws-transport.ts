import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../services/events/event-bus';
import type { Router } from './router';

export interface WsTransportOptions {
  server: Server;
  router: Router;
  events: EventBus;
  token: string;
  /** The exact origins allowed to connect, e.g. `http://127.0.0.1:4123`. */
  allowedOrigins: () => string[];
  /** The exact Host header values allowed, e.g. `127.0.0.1:4123`. */
  allowedHosts: () => string[];
  maxPayloadBytes?: number;
  /** Who may connect besides Origin/Host (the web host's session cookie); default: `?token=` equals `token`. */
  authorize?: (req: IncomingMessage, queryToken: string | null) => boolean;
  /** Told when a connection is closed for a protocol error (oversized, invalid UTF-8, unmasked, bad opcode). */
  onConnectionError?: (reason: WsCloseReason, message: string) => void;
}

/**
 * Why a connection was closed for what its peer sent; only that connection closes, never the
 * host. The WebSocket close code tells the peer: 1009 too big, 1007 not UTF-8, 1002 protocol.
 */
export type WsCloseReason = 'too-big' | 'invalid-utf8' | 'protocol';

/**
 * The largest message: the contract's biggest text input is 1,000,000 characters (an MCP
 * import); JSON-escaped it stays under 8 MB. Anything bigger is refused before it is buffered.
 */
export const MAX_WS_PAYLOAD = 8 * 1024 * 1024;

export function closeReasonOf(error: Error & { code?: string }): WsCloseReason {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'too-big';
  if (error.code === 'WS_ERR_INVALID_UTF8') return 'invalid-utf8';
  return 'protocol';
}

/** Compares without leaking the token's length or prefix through timing. */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * The contract over WebSocket for the web host. The handshake is refused unless the path is
 * `/ws`, the token matches, and both Origin and Host are the host's own (so neither another
 * site, a previewed artifact on its own origin, nor a DNS-rebinding page can drive Kiln).
 */
export function attachWsTransport(options: WsTransportOptions): { close(): Promise<void>; clientCount(): number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? MAX_WS_PAYLOAD });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node drops its own error handling once a socket is upgraded: a reset peer must not be an uncaught error.
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://placeholder');
    } catch {
      return refuse(socket, 400, 'Bad Request'); // e.g. `GET http://[ HTTP/1.1`, before any auth
    }
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!options.allowedHosts().includes(req.headers.host ?? '')) return refuse(socket, 403, 'Forbidden');
    if (!options.allowedOrigins().includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
    const given = url.searchParams.get('token');
    const allowed = options.authorize ? options.authorize(req, given) : tokenMatches(options.token, given);
    if (!allowed) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.server.on('upgrade', onUpgrade);

  const send = (ws: WebSocket, message: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  wss.on('connection', (ws: WebSocket) => {
    // ws closes the connection itself (1009/1007/1002) after this; without a listener the host would crash.
    ws.on('error', (error: Error & { code?: string }) => options.onConnectionError?.(closeReasonOf(error), error.message));
    ws.on('message', (raw) => void onMessage(ws, raw).catch((error: unknown) => {
      send(ws, { type: 'result', id: null, result: { ok: false, error: { code: 'INTERNAL', message: 'Kiln could not handle that message.' } } });
      options.onConnectionError?.('protocol', (error as Error).message);
    }));
  });

  const onMessage = async (ws: WebSocket, raw: WebSocket.RawData): Promise<void> => {
    let msg: { type?: unknown; id?: unknown; channel?: unknown; input?: unknown };
    try {
      msg = JSON.parse(String(raw)) as typeof msg;
    } catch {
      send(ws, { type: 'result', id: null, result: { ok: false, error: { code: 'VALIDATION', message: 'Message is not valid JSON.' } } });
      return;
    }
    if (msg === null || typeof msg !== 'object' || msg.type !== 'call' || typeof msg.id !== 'number' || typeof msg.channel !== 'string') {
      send(ws, { type: 'result', id: typeof msg?.id === 'number' ? msg.id : null, result: { ok: false, error: { code: 'VALIDATION', message: 'Expected {type:"call", id:number, channel:string, input}.' } } });
      return;
    }
    const result = await options.router.call(msg.channel, msg.input, { transport: 'web' });
    send(ws, { type: 'result', id: msg.id, result });
  };

  const subscription = options.events.subscribe((name, payload) => {
    const frame = JSON.stringify({ type: 'event', name, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
  });

  return {
    clientCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        subscription.dispose();
        options.server.off('upgrade', onUpgrade);
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
