import { KilnError } from '../../shared/contract/core';
import { endpoints, events, type Channel, type EndpointOutput, type EndpointParsedInput, type EventName, type EventPayload, type IpcResult } from '../../shared/contract/index';
import type { Transport } from '../api/transport';

type Handler<C extends Channel> = (input: EndpointParsedInput<C>) => EndpointOutput<C> | Promise<EndpointOutput<C>>;

/**
 * A transport for renderer tests that stands in for main: every call is recorded, its input
 * and the answer are checked against the contract (as the router does), and events are
 * checked against their schema before delivery. A channel without a handler fails loudly.
 */
export class FakeTransport implements Transport {
  readonly kind = 'web' as const;
  readonly calls: { channel: string; input: unknown }[] = [];
  private readonly handlers = new Map<string, (input: unknown) => unknown>();
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();
  private readonly statusListeners = new Set<(connected: boolean) => void>();

  handle<C extends Channel>(channel: C, fn: Handler<C>): this {
    this.handlers.set(channel, fn as (input: unknown) => unknown);
    return this;
  }

  async invoke(channel: string, input: unknown): Promise<IpcResult<unknown>> {
    this.calls.push({ channel, input });
    const def = (endpoints as Record<string, (typeof endpoints)[Channel]>)[channel];
    if (!def) return { ok: false, error: { code: 'NOT_FOUND', message: `no such channel: ${channel}` } };
    const parsed = def.input.safeParse(input);
    if (!parsed.success) return { ok: false, error: { code: 'VALIDATION', message: `${channel}: ${parsed.error.message}` } };
    const fn = this.handlers.get(channel);
    if (!fn) return { ok: false, error: { code: 'UNSUPPORTED', message: `the fake main has no answer for ${channel}` } };
    try {
      const data = await fn(parsed.data);
      return { ok: true, data: def.output.parse(data) };
    } catch (e) {
      if (e instanceof KilnError) return { ok: false, error: e.toIpcError() };
      throw e;
    }
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The link to main dropped (false) or came back (true), as the web transport reports it. */
  setConnected(connected: boolean): void {
    for (const l of [...this.statusListeners]) l(connected);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].payload.parse(payload);
    for (const l of [...this.listeners]) l(name, checked);
  }

  channels(): string[] {
    return this.calls.map((c) => c.channel);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }
}
