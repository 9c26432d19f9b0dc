import type { ArtifactListItem, ArtifactRecord } from '../contract/artifacts';

/** The gallery entry of a readable record (main builds it; test fakes of main too). */
export function listItem(slug: string, r: ArtifactRecord): ArtifactListItem {
  return {
    slug,
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type,
    primary: r.primary,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    fileCount: r.files.length,
  };
}

/** An ISO time as a number for sorting; missing or unreadable sorts as oldest. */
export const timeValue = (iso: string | null | undefined): number => {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * The gallery's order: newest `updatedAt` first, then newest `createdAt`, then slug. Main sorts
 * `artifacts.list` with it and the renderer keeps it when it patches the list from a change event.
 */
export function compareListItems(a: Pick<ArtifactListItem, 'slug' | 'updatedAt' | 'createdAt'>, b: Pick<ArtifactListItem, 'slug' | 'updatedAt' | 'createdAt'>): number {
  return timeValue(b.updatedAt) - timeValue(a.updatedAt) || timeValue(b.createdAt) - timeValue(a.createdAt) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

/** Sorts in place in the gallery's order, parsing each time once (2,000 items: ~22k comparisons). */
export function sortListItems<T extends Pick<ArtifactListItem, 'slug' | 'updatedAt' | 'createdAt'>>(items: T[]): T[] {
  const keys = new Map(items.map((i) => [i, [timeValue(i.updatedAt), timeValue(i.createdAt)] as const]));
  return items.sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return kb[0] - ka[0] || kb[1] - ka[1] || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  });
}
