import { describe, expect, it } from 'vitest';
import { concurrency } from './concurrency';

describe('concurrency', () => {
  it('runs at most n tasks at once, starts the rest in order, and a failed task frees its slot', async () => {
    const limit = concurrency(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          if (i === 4) throw new Error('unreadable');
          return i * 2;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results[4]).toMatchObject({ status: 'rejected' });
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual(
      Array.from({ length: 20 }, (_, i) => i * 2).filter((v) => v !== 8),
    );
  });
});
