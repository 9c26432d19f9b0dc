import { describe, expect, it } from 'vitest';
import { DisposableStore, Emitter, toDisposable } from './emitter';

describe('Emitter', () => {
  it('tells every listener, in order of subscribing, until each is disposed', () => {
    const emitter = new Emitter<number>();
    const heard: string[] = [];
    const a = emitter.on((n) => heard.push(`a${n}`));
    emitter.on((n) => heard.push(`b${n}`));
    emitter.fire(1);
    a.dispose();
    emitter.fire(2);
    expect(heard).toEqual(['a1', 'b1', 'b2']);
    expect(emitter.size).toBe(1);
  });

  it('keeps the same function subscribed twice as two subscriptions', () => {
    const emitter = new Emitter<void>();
    let count = 0;
    const listener = (): void => void count++;
    const first = emitter.on(listener);
    emitter.on(listener);
    first.dispose();
    emitter.fire();
    expect(count).toBe(1);
  });

  it('reports a throwing listener and still tells the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((e) => errors.push(e));
    const heard: string[] = [];
    emitter.on(() => {
      throw new Error('broken transport');
    });
    emitter.on((v) => heard.push(v));
    emitter.fire('x');
    expect(heard).toEqual(['x']);
    expect(errors).toEqual([new Error('broken transport')]);
  });

  it('a listener that unsubscribes another while firing does not skip or crash the round', () => {
    const emitter = new Emitter<number>();
    const heard: string[] = [];
    let b: { dispose(): void } | null = null;
    emitter.on(() => b?.dispose());
    b = emitter.on((n) => heard.push(`b${n}`));
    emitter.fire(1); // b was in the round's snapshot
    emitter.fire(2);
    expect(heard).toEqual(['b1']);
  });

  it('clear drops every listener', () => {
    const emitter = new Emitter<number>();
    emitter.on(() => undefined);
    emitter.on(() => undefined);
    emitter.clear();
    expect(emitter.size).toBe(0);
  });
});

describe('toDisposable and DisposableStore', () => {
  it('a disposable runs its release once however often it is disposed', () => {
    let runs = 0;
    const d = toDisposable(() => void runs++);
    d.dispose();
    d.dispose();
    expect(runs).toBe(1);
  });

  it('a store releases in reverse order, survives a failing release, and disposes late additions at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(
      toDisposable(() => {
        throw new Error('fails');
      }),
    );
    store.add(toDisposable(() => order.push('third')));
    store.dispose();
    expect(order).toEqual(['third', 'first']);
    store.add(toDisposable(() => order.push('late')));
    expect(order).toEqual(['third', 'first', 'late']);
    store.dispose();
    expect(order).toEqual(['third', 'first', 'late']);
  });

  it('unsubscribes emitter listeners it holds', () => {
    const emitter = new Emitter<number>();
    const store = new DisposableStore();
    store.add(emitter.on(() => undefined));
    store.add(emitter.on(() => undefined));
    store.dispose();
    expect(emitter.size).toBe(0);
  });
});
