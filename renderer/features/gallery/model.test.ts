import { describe, expect, it } from 'vitest';
import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { fileCountLabel, relativeTime, visibleArtifacts } from './model';

const item = (slug: string, name: string, type: ArtifactListItem['type'], description = '', damaged?: string): ArtifactListItem => ({
  slug, id: damaged ? null : '12345678', name, description, type, primary: null, createdAt: null,
  updatedAt: '2026-06-01T12:00:00+00:00', fileCount: 1, ...(damaged ? { damaged: { reason: damaged } } : {}),
});

const items = [
  item('b-1', 'Sales dashboard', 'html-app', 'Revenue by region'),
  item('a-1', 'inventory app', 'fullstack-stateless-app', 'Stock levels'),
  item('c-1', 'Äpfel report', 'document', 'Fruit'),
  item('broken', 'broken', null, '', 'not valid JSON'),
];

describe('gallery filtering', () => {
  it('searches name and description, case-insensitively', () => {
    expect(visibleArtifacts(items, 'REVENUE', 'all', 'recent').map((i) => i.slug)).toEqual(['b-1']);
    expect(visibleArtifacts(items, 'stock', 'all', 'recent').map((i) => i.slug)).toEqual(['a-1']);
    expect(visibleArtifacts(items, '  ', 'all', 'recent')).toHaveLength(4);
  });

  it('filters by type, and "damaged" shows only damaged records', () => {
    expect(visibleArtifacts(items, '', 'document', 'recent').map((i) => i.slug)).toEqual(['c-1']);
    expect(visibleArtifacts(items, '', 'damaged', 'recent').map((i) => i.slug)).toEqual(['broken']);
  });

  it('keeps main\'s newest-first order for "recent" and sorts by name with a locale collator', () => {
    expect(visibleArtifacts(items, '', 'all', 'recent').map((i) => i.slug)).toEqual(['b-1', 'a-1', 'c-1', 'broken']);
    expect(visibleArtifacts(items, '', 'all', 'name').map((i) => i.name)).toEqual(['Äpfel report', 'broken', 'inventory app', 'Sales dashboard']);
  });
});

describe('card labels', () => {
  it('says relative times a person reads', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    expect(relativeTime('2026-06-01T11:59:50+00:00', now)).toBe('just now');
    expect(relativeTime('2026-06-01T11:55:00+00:00', now)).toMatch(/5 minutes ago/);
    expect(relativeTime('2026-05-31T12:00:00+00:00', now)).toMatch(/yesterday|1 day ago/);
    expect(relativeTime('garbage', now)).toBe('unknown time');
    expect(fileCountLabel(1)).toBe('1 file');
    expect(fileCountLabel(20)).toBe('20 files');
  });
});
