// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/contract/core';
import { useAsyncAction } from './useAsyncAction';

afterEach(cleanup);

/** A promise the test settles by hand, to look at the hook while the action runs. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useAsyncAction', () => {
  it('is busy while the action runs and hands back its result', async () => {
    const d = deferred<number>();
    const { result } = renderHook(() => useAsyncAction((n: number) => d.promise.then((v) => v + n)));
    expect(result.current.busy).toBe(false);
    let out: Promise<number | undefined> | undefined;
    act(() => {
      out = result.current.run(1);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => d.resolve(41));
    expect(await out).toBe(42);
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('keeps a KilnError as it came (code, reason, details) and resolves to undefined', async () => {
    const seen: KilnError[] = [];
    const failure = new KilnError('FORBIDDEN', 'linked outside', 'details', 'outside-workspace');
    const { result } = renderHook(() => useAsyncAction(() => Promise.reject(failure), { onError: (e) => seen.push(e) }));
    let out: unknown = 'not set';
    await act(async () => {
      out = await result.current.run();
    });
    expect(out).toBeUndefined();
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBe(failure);
    expect(result.current.error?.reason).toBe('outside-workspace');
    expect(seen).toEqual([failure]);
  });

  it('turns any other throw into an INTERNAL KilnError with its message, and the next run clears it', async () => {
    let fail = true;
    const { result } = renderHook(() =>
      useAsyncAction(async () => {
        if (fail) throw new TypeError('x is undefined');
        return 'ok';
      }),
    );
    await act(async () => void (await result.current.run()));
    expect(result.current.error).toBeInstanceOf(KilnError);
    expect(result.current.error).toMatchObject({ code: 'INTERNAL', message: 'x is undefined' });
    fail = false;
    const d = deferred<void>();
    let out: Promise<string | undefined> | undefined;
    act(() => {
      out = result.current.run().finally(() => d.resolve());
    });
    expect(result.current.error).toBeNull();
    await act(async () => d.promise);
    expect(await out).toBe('ok');
  });

  it('stays busy until overlapping runs have all finished', async () => {
    const first = deferred<void>();
    const second = deferred<void>();
    const queue = [first, second];
    const { result } = renderHook(() => useAsyncAction(() => queue.shift()!.promise));
    act(() => {
      void result.current.run();
      void result.current.run();
    });
    await act(async () => first.resolve());
    expect(result.current.busy).toBe(true);
    await act(async () => second.resolve());
    expect(result.current.busy).toBe(false);
  });

  it('uses the latest action with a stable run, and leaves an unmounted component alone', async () => {
    const { result, rerender, unmount } = renderHook(({ v }) => useAsyncAction(async () => v), { initialProps: { v: 'first' } });
    const run = result.current.run;
    rerender({ v: 'second' });
    expect(result.current.run).toBe(run);
    expect(await act(() => result.current.run())).toBe('second');

    const d = deferred<string>();
    const late = renderHook(() => useAsyncAction(() => d.promise));
    let out: Promise<string | undefined> | undefined;
    act(() => {
      out = late.result.current.run();
    });
    late.unmount();
    d.reject(new Error('after unmount'));
    expect(await out).toBeUndefined();
    unmount();
  });
});
