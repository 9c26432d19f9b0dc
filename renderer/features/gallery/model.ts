import type { ArtifactListItem, ArtifactType } from '../../../shared/contract/artifacts';
import type { IconName } from '../../components/Icon';

export type SortKey = 'recent' | 'name';
export type TypeFilter = ArtifactType | 'all' | 'damaged';

export const typeInfo: Record<ArtifactType, { label: string; icon: IconName }> = {
  'html-app': { label: 'HTML app', icon: 'html' },
  document: { label: 'Document', icon: 'doc' },
  dataset: { label: 'Dataset', icon: 'table' },
  image: { label: 'Image', icon: 'image' },
  mixed: { label: 'Mixed', icon: 'mixed' },
  'fullstack-stateless-app': { label: 'Fullstack app', icon: 'server' },
  'fullstack-stateful-app': { label: 'Fullstack app (stateful)', icon: 'database' },
};

/** Search (name, description), type filter and sort, as the gallery applies them. */
export function visibleArtifacts(items: readonly ArtifactListItem[], query: string, type: TypeFilter, sort: SortKey): ArtifactListItem[] {
  const q = query.trim().toLocaleLowerCase();
  const out = items.filter((i) => {
    if (type === 'damaged' ? !i.damaged : type !== 'all' && i.type !== type) return false;
    if (q === '') return true;
    return i.name.toLocaleLowerCase().includes(q) || i.description.toLocaleLowerCase().includes(q) || i.slug.includes(q);
  });
  if (sort === 'name') {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    out.sort((a, b) => collator.compare(a.name, b.name) || a.slug.localeCompare(b.slug));
  }
  // 'recent' keeps main's order: newest updatedAt first.
  return out;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday", "just now". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown time';
  const seconds = Math.round((t - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60), 'minute');
}

export const fileCountLabel = (n: number): string => `${n} ${n === 1 ? 'file' : 'files'}`;
