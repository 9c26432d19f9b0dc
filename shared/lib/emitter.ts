/**
 * Something to release: a subscription, a timer, a watcher. Every `on…` returns one, and
 * whoever subscribed disposes it (at shutdown at the latest).
 */
export interface Disposable {
  dispose(): void;
}

export const toDisposable = (fn: () => void): Disposable => {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
};

/** Disposes a group at once, in reverse order of adding (later things may depend on earlier ones). */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch {
        // one failing release must not keep the rest alive
      }
    }
  }
}

/**
 * A typed listener set: the one way services tell others that something happened. A listener
 * that throws is reported to `onListenerError` (default: ignored) and never stops the others.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Subscribes; dispose the result to unsubscribe. */
  on(listener: (value: T) => void): Disposable {
    const wrapped = (value: T): void => listener(value);
    this.listeners.add(wrapped);
    return toDisposable(() => this.listeners.delete(wrapped));
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
