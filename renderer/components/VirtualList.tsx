import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  /** A first guess of a row's height in px; rows are measured as they render. */
  estimateSize: number;
  getKey(item: T): string;
  renderItem(item: T, index: number): ReactNode;
  label: string;
  className?: string;
}

/**
 * A list that renders only the rows on screen (plus a few), for lists that can grow without
 * bound. It scrolls itself, so give it a height (flex: 1 in a column, or a max-height).
 */
export function VirtualList<T>({ items, estimateSize, getKey, renderItem, label, className }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateSize,
    getItemKey: (i) => getKey(items[i]!),
    overscan: 8,
    // Before the first measurement (and where there is no layout) assume a sidebar-sized viewport.
    initialRect: { width: 300, height: 600 },
  });
  return (
    <div ref={scrollRef} className={`virtual-list${className ? ` ${className}` : ''}`}>
      <ul aria-label={label} style={{ height: virtualizer.getTotalSize(), position: 'relative', margin: 0, padding: 0, listStyle: 'none' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <li
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            aria-setsize={items.length}
            aria-posinset={row.index + 1}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}
          >
            {renderItem(items[row.index]!, row.index)}
          </li>
        ))}
      </ul>
    </div>
  );
}
