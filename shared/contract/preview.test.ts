import { describe, expect, it } from 'vitest';
import { backendsEndpoints } from './backends';
import { slugSchema } from '../artifacts/rules';
import { previewEndpoints } from './preview';

describe('backend and preview contracts', () => {
  it('accept anton slugs and refuse anything path-like', () => {
    for (const ok of ['nvda-btc-dashboard-1a2b3c4d', 'My_Report.v2', 'x', 'My Report', 'café-1a2b3c4d', 'a.b', 'x'.repeat(255), 'é'.repeat(127)]) {
      expect(slugSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '/etc', 'a\0b', 'x'.repeat(256), 'é'.repeat(128)]) expect(slugSchema.safeParse(bad).success, bad).toBe(false);
  });
  it('refuse extra keys and bad tails at the boundary', () => {
    expect(previewEndpoints['preview.open'].input.safeParse({ slug: 'a', extra: 1 }).success).toBe(false);
    expect(backendsEndpoints['backends.logs'].input.safeParse({ slug: 'a', tail: 0 }).success).toBe(false);
    expect(backendsEndpoints['backends.logs'].input.parse({ slug: 'a' })).toEqual({ slug: 'a', tail: 200 });
    expect(backendsEndpoints['backends.launch'].input.safeParse({ slug: '../../etc' }).success).toBe(false);
  });
});
