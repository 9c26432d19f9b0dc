import { events, type EventName, type EventPayload } from '../../../shared/contract/index';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

type AnyEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export interface EventBusOptions {
  /**
   * Told when a service emits a payload that breaks the contract (the event is dropped) or a
   * transport's listener throws. Never throws back into the emitting service.
   */
  onInternalError?: (error: Error) => void;
}

/**
 * Main → renderer events. Services emit; each transport subscribes and forwards. Payloads
 * are checked against the contract so a service can't leak a shape the renderer doesn't expect.
 */
export class EventBus {
  private readonly emitter: Emitter<AnyEvent>;
  private readonly report: (error: Error) => void;
  /** A reporter that itself emits (notices → `app.notice`) must not loop on a second break. */
  private reporting = false;

  constructor(options: EventBusOptions = {}) {
    const onInternalError = options.onInternalError ?? (() => undefined);
    this.report = (error) => {
      if (this.reporting) return;
      this.reporting = true;
      try {
        onInternalError(error);
      } catch {
        // The reporter is the last resort; its own failure has nowhere left to go.
      } finally {
        this.reporting = false;
      }
    };
    // One broken transport must not stop the others from hearing the event.
    this.emitter = new Emitter<AnyEvent>((error) =>
      this.report(new Error(`An event listener failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  /** Sends an event to every transport; a payload that breaks the contract is reported and dropped. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const def = (events as Record<string, (typeof events)[EventName] | undefined>)[name];
    if (!def) {
      this.report(new Error(`Event ${String(name)} is not in the contract; it was not sent.`));
      return;
    }
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) {
      this.report(new Error(`Event ${name} payload breaks the contract, so it was not sent: ${parsed.error.message}`));
      return;
    }
    this.emitter.fire({ name, payload: parsed.data } as AnyEvent);
  }

  subscribe(listener: EventListener): Disposable {
    return this.emitter.on((e) => listener(e.name, e.payload));
  }

  /** How many transports (and other listeners) are subscribed; 0 after shutdown. */
  get listenerCount(): number {
    return this.emitter.size;
  }
}
