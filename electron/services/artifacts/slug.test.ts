import { describe, expect, it } from 'vitest';
import { baseSlug, newArtifactId, slugFor } from './slug';
import { isoSeconds } from './time';

describe('slug rules (anton-format §2.2)', () => {
  it('matches the examples of the format page', () => {
    expect(slugFor('NVDA BTC Dashboard', '1a2b3c4d')).toBe('nvda-btc-dashboard-1a2b3c4d');
    expect(slugFor('!!!', '1a2b3c4d')).toBe('untitled-artifact-1a2b3c4d');
  });

  it('lowercases, turns runs of other characters into one dash and strips -._ at both ends', () => {
    expect(baseSlug('  Hello,   World!  ')).toBe('hello-world');
    expect(baseSlug('__a.b_c--d..')).toBe('a.b_c-d');
    expect(baseSlug('Q3 — revenue / costs')).toBe('q3-revenue-costs');
  });

  it('cuts to 55 characters and strips the end again', () => {
    const name = `${'a'.repeat(54)} b${'c'.repeat(20)}`;
    const s = baseSlug(name);
    expect(s.length).toBeLessThanOrEqual(55);
    expect(s).toBe('a'.repeat(54));
    expect(baseSlug('x'.repeat(10_000))).toBe('x'.repeat(55));
  });

  it('falls back to untitled-artifact for names with nothing usable (emoji, right-to-left script, blank)', () => {
    expect(baseSlug('🚀🔥')).toBe('untitled-artifact');
    expect(baseSlug('تقرير المبيعات')).toBe('untitled-artifact');
    expect(baseSlug('   ')).toBe('untitled-artifact');
    expect(baseSlug('Sales 🚀 2026')).toBe('sales-2026');
  });

  it('makes 8-hex random ids', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newArtifactId()));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(ids.size).toBe(200);
  });

  it('writes timestamps as anton does: UTC, whole seconds, +00:00', () => {
    expect(isoSeconds(new Date('2026-06-01T12:00:00.789Z'))).toBe('2026-06-01T12:00:00+00:00');
  });
});
