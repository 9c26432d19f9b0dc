import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { ArtifactCard, type CardActions } from './ArtifactCard';

const CARD_MIN_WIDTH = 260;
// Grid cards carry a 110 px thumbnail (CardThumbnail) above the title.
const ROW_HEIGHT = { grid: 312, list: 76 } as const;
const GAP = 12;

/** Only the rows in view are in the DOM, so a gallery of thousands stays fast. */
export function VirtualGrid({ items, layout, actions, now }: { items: ArtifactListItem[]; layout: 'grid' | 'list'; actions: CardActions; now: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const columns = layout === 'list' ? 1 : Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP)));
  const rowCount = Math.ceil(items.length / columns);
  const rowHeight = ROW_HEIGHT[layout];
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight + GAP,
    overscan: 4,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, layout, columns]);
  return (
    <div ref={scrollRef} className="gallery-scroll" role="region" aria-label="Artifacts" tabIndex={-1}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="gallery-row"
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              height: rowHeight,
              transform: `translateY(${row.start}px)`,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            }}
          >
            {items.slice(row.index * columns, row.index * columns + columns).map((item) => (
              <ArtifactCard key={item.slug} item={item} actions={actions} layout={layout} now={now} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
