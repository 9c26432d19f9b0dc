import type { Channel, EndpointInput, EndpointOutput } from '../../shared/contract/index';
import { KilnError } from '../../shared/contract/core';
import { electronTransport, type Transport } from './transport';
import { takeToken, webSocketTransport } from './ws-transport';

function pickTransport(): Transport {
  if (typeof window !== 'undefined' && window.kiln) return electronTransport(window.kiln);
  const token = takeToken();
  if (!token) {
    throw new KilnError('FORBIDDEN', 'This page was opened without its access token. Open the exact link Kiln printed when it started.');
  }
  return webSocketTransport(token);
}

let transport: Transport | null = null;
let transportError: KilnError | null = null;

function getTransport(): Transport {
  if (transport) return transport;
  if (transportError) throw transportError;
  try {
    transport = pickTransport();
    return transport;
  } catch (e) {
    transportError = toKilnError(e);
    throw transportError;
  }
}

/**
 * Uses `next` for every call and event from now on, instead of the one picked from the page
 * (the preload bridge or the web host's socket). Unit tests hand in a counting transport here.
 */
export function setTransport(next: Transport): void {
  transport = next;
  transportError = null;
}

/** The typed client: every method and type follows from the contract in shared/. Failures throw the shared `KilnError`. */
export const api = {
  async call<C extends Channel>(channel: C, ...args: undefined extends EndpointInput<C> ? [input?: EndpointInput<C>] : [input: EndpointInput<C>]): Promise<EndpointOutput<C>> {
    const result = await getTransport().invoke(channel, args[0]);
    if (result.ok) return result.data as EndpointOutput<C>;
    throw KilnError.fromIpcError(result.error);
  },

  /** Every contract event, by name; the sync module (renderer/sync) is the one subscriber. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    return getTransport().subscribe(listener);
  },

  onConnection(listener: (connected: boolean) => void): () => void {
    return getTransport().onStatus?.(listener) ?? (() => undefined);
  },

  startupError(): KilnError | null {
    try {
      getTransport();
      return null;
    } catch (e) {
      return toKilnError(e);
    }
  },
};

/** Any thrown value as a `KilnError` (a bug in the page becomes INTERNAL with its message). */
export function toKilnError(e: unknown): KilnError {
  if (e instanceof KilnError) return e;
  return new KilnError('INTERNAL', e instanceof Error ? e.message : String(e));
}

export function errorMessage(e: unknown): string {
  return toKilnError(e).message;
}
