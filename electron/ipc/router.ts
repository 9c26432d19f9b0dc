import {
  channelNames,
  describeZodError,
  endpoints,
  isKilnError,
  type Channel,
  type EndpointOutput,
  type EndpointParsedInput,
  type IpcResult,
} from '../../shared/contract/index';
import { diskError } from '../services/fs/disk-errors';

/** Who is calling: transports fill this in so handlers can tell Electron from the web host. */
export interface CallContext {
  transport: 'electron' | 'web' | 'test';
}

export type Handler<C extends Channel> = (
  input: EndpointParsedInput<C>,
  ctx: CallContext,
) => Promise<EndpointOutput<C>> | EndpointOutput<C>;

export type HandlerMap = { [C in Channel]: Handler<C> };

export interface RouterOptions {
  /** Scrubs secrets from error messages before they cross the boundary. */
  scrub?: (text: string) => string;
  /** Told about unexpected failures (for logs and diagnostics); never sees the caller. */
  onInternalError?: (channel: string, error: unknown) => void;
}

export interface Router {
  call(channel: string, input: unknown, ctx: CallContext): Promise<IpcResult<unknown>>;
  readonly channels: readonly Channel[];
}

function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(endpoints, name);
}

/**
 * Validates each input against the contract, runs its handler, validates its output, and
 * returns a result envelope. Errors cross as `{code, message, details?}`; stack traces never do.
 */
export function createRouter(handlers: HandlerMap, options: RouterOptions = {}): Router {
  const scrub = options.scrub ?? ((t: string) => t);

  async function call(channel: string, input: unknown, ctx: CallContext): Promise<IpcResult<unknown>> {
    if (typeof channel !== 'string' || !isChannel(channel)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown endpoint "${String(channel).slice(0, 100)}".` } };
    }
    const def = endpoints[channel];
    const parsed = def.input.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'VALIDATION', message: `Invalid input for ${channel}: ${describeZodError(parsed.error)}` },
      };
    }
    try {
      const handler = handlers[channel] as Handler<Channel>;
      const data = await handler(parsed.data as never, ctx);
      // Always, in every build: the parse also drops fields the contract doesn't name, so nothing
      // unplanned crosses to the page, and a broken answer is a clear error instead of an odd screen.
      const out = def.output.safeParse(data);
      if (!out.success) {
        options.onInternalError?.(channel, new Error(`Output of ${channel} broke the contract: ${describeZodError(out.error)}`));
        return { ok: false, error: { code: 'INTERNAL', message: `Kiln produced an invalid answer for ${channel}.` } };
      }
      return { ok: true, data: out.data };
    } catch (error) {
      // Code, scrubbed message and details, and the reason a screen may branch on.
      if (isKilnError(error)) return { ok: false, error: error.toIpcError(scrub) };
      // A full, read-only or refused disk is the machine's state, not Kiln's bug: a typed answer.
      const disk = diskError(error);
      if (disk) return { ok: false, error: disk.toIpcError(scrub) };
      options.onInternalError?.(channel, error);
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message: scrub(`${channel} failed: ${message}`) } };
    }
  }

  return { call, channels: channelNames };
}
