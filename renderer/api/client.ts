import type { Channel, EndpointInput, EndpointOutput, EventName, EventPayload } from '../../shared/contract/index';
import type { ErrorCode } from '../../shared/contract/core';
import { electronTransport, type Transport } from './transport';
import { takeToken, webSocketTransport } from './ws-transport';

/** A failed call, as the contract's error envelope: code, a sentence for the user, details. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: string | undefined;
  constructor(code: ErrorCode, message: string, details?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
}

type ConnectionListener = (connected: boolean) => void;
const connectionListeners = new Set<ConnectionListener>();

function pickTransport(): Transport {
  if (typeof window !== 'undefined' && window.kiln) return electronTransport(window.kiln);
  const token = takeToken();
  if (!token) {
    throw new ApiError('FORBIDDEN', 'This page was opened without its access token. Open the exact link Kiln printed when it started.');
  }
  return webSocketTransport(token, (c) => connectionListeners.forEach((l) => l(c)));
}

let transport: Transport | null = null;
let transportError: ApiError | null = null;

function getTransport(): Transport {
  if (transport) return transport;
  if (transportError) throw transportError;
  try {
    transport = pickTransport();
    return transport;
  } catch (e) {
    transportError = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e));
    throw transportError;
  }
}

/** The typed client: every method and type follows from the contract in shared/. */
export const api = {
  async call<C extends Channel>(channel: C, ...args: undefined extends EndpointInput<C> ? [input?: EndpointInput<C>] : [input: EndpointInput<C>]): Promise<EndpointOutput<C>> {
    const result = await getTransport().invoke(channel, args[0]);
    if (result.ok) return result.data as EndpointOutput<C>;
    throw new ApiError(result.error.code, result.error.message, result.error.details);
  },

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    return getTransport().subscribe((n, payload) => {
      if (n === name) handler(payload as EventPayload<E>);
    });
  },

  onConnection(listener: ConnectionListener): () => void {
    connectionListeners.add(listener);
    return () => connectionListeners.delete(listener);
  },

  startupError(): ApiError | null {
    try {
      getTransport();
      return null;
    } catch (e) {
      return e as ApiError;
    }
  },
};

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
