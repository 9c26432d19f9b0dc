import { describe, expect, it } from 'vitest';
import { allInOrder, early } from './in-order';

const after = <T>(ms: number, value: T, fail = false): Promise<T> =>
  new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('allInOrder', () => {
  it('gives the values in argument order, whatever order they settle in', async () => {
    await expect(allInOrder([after(30, 'a'), after(1, 2), after(10, true)] as const)).resolves.toEqual(['a', 2, true]);
  });

  it("throws the first step's error in argument order, not the one that failed first in time", async () => {
    // A launch of an unknown slug must still say what `dir` says, even if `read` fails sooner.
    await expect(allInOrder([after(30, 'dir refused', true), after(1, 'read failed', true)] as const)).rejects.toThrow('dir refused');
    await expect(allInOrder([after(1, 'ok'), after(20, 'second', true), after(1, 'third', true)] as const)).rejects.toThrow('second');
  });

  it('runs the steps side by side (takes about the longest one, not their sum)', async () => {
    const t0 = performance.now();
    await allInOrder([after(60, 1), after(60, 2), after(60, 3)] as const);
    expect(performance.now() - t0).toBeLessThan(150);
  });

  it('waits for every step before throwing, so none is still running behind the error', async () => {
    let lateDone = false;
    const late = after(40, 'late').then((v) => ((lateDone = true), v));
    await expect(allInOrder([after(1, 'early failure', true), late] as const)).rejects.toThrow('early failure');
    expect(lateDone).toBe(true);
  });
});

describe('early', () => {
  it('starts a step at once and gives its value later', async () => {
    let started = false;
    const p = early(async () => ((started = true), 7));
    await Promise.resolve();
    expect(started).toBe(true);
    await expect(p).resolves.toBe(7);
  });

  it('leaves no unhandled rejection when the step fails and is never awaited', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      early(() => Promise.reject(new Error('never awaited')));
      early(() => {
        throw new Error('thrown synchronously');
      });
      await after(20, null);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('still rejects for the caller that awaits it', async () => {
    const p = early(() => Promise.reject(new Error('requirements.txt is a FIFO')));
    await after(5, null);
    await expect(p).rejects.toThrow('FIFO');
  });
});
