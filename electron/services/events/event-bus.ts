import { events, type EventName, type EventPayload } from '../../../shared/contract/index';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/**
 * Main → renderer events. Services emit; each transport subscribes and forwards. Payloads
 * are checked against the contract so a service can't leak a shape the renderer doesn't expect.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const parsed = events[name].payload.safeParse(payload);
    if (!parsed.success) {
      throw new Error(`Event ${name} payload breaks the contract: ${parsed.error.message}`);
    }
    for (const listener of this.listeners) {
      try {
        listener(name, parsed.data as EventPayload<E>);
      } catch {
        // One broken transport must not stop the others from hearing the event.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
