import { describe, expect, it } from 'vitest';
import { createOpenLimiter } from './open-limit';

describe('createOpenLimiter', () => {
  it('allows one open per second and five a minute, then recovers', () => {
    let t = 0;
    const allow = createOpenLimiter({ now: () => t });
    expect(allow()).toBe(true);
    expect(allow()).toBe(false); // a burst of window.open calls opens one tab
    const results: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      t += 1000;
      results.push(allow());
    }
    expect(results).toEqual([true, true, true, true, false, false]);
    t = 61_000;
    expect(allow()).toBe(true);
  });
});
