import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { artifactTypes, type ArtifactListItem } from '../../../shared/contract/artifacts';
import { api, errorMessage } from '../../api/client';
import { useEvent } from '../../api/hooks';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { ArtifactCard, type CardActions } from './ArtifactCard';
import { typeInfo, visibleArtifacts, type SortKey, type TypeFilter } from './model';
import { RenameDialog } from './RenameDialog';
import { useGallery } from './store';
import './gallery.css';

const CARD_MIN_WIDTH = 260;
const ROW_HEIGHT = { grid: 196, list: 76 } as const;
const GAP = 12;

export function GalleryView() {
  const { items, loaded, error, query, type, sort, layout, load, setQuery, setType, setSort, setLayout } = useGallery();
  const openPreview = useShell((s) => s.openPreview);
  const preview = useShell((s) => s.preview);
  const closePreview = useShell((s) => s.closePreview);
  const notify = useShell((s) => s.notify);
  const pendingFocus = useShell((s) => s.pendingFocus);
  const clearFocus = useShell((s) => s.clearFocus);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Ctrl+K lands here (renderer/App.tsx); focus the search once the view is mounted.
    if (pendingFocus !== 'gallery-search') return;
    searchRef.current?.focus();
    searchRef.current?.select();
    clearFocus();
  }, [pendingFocus, clearFocus]);
  const [renaming, setRenaming] = useState<ArtifactListItem | null>(null);
  const [deleting, setDeleting] = useState<ArtifactListItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    void load();
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [load]);
  useEvent('artifacts.changed', () => {
    setNow(Date.now());
    void load();
  });

  const visible = useMemo(() => visibleArtifacts(items, query, type, sort), [items, query, type, sort]);

  const actions: CardActions = {
    open: (item) => openPreview(item.slug),
    reveal: (item) => {
      api.call('artifacts.reveal', { slug: item.slug }).catch((e) => notify({ level: 'error', message: errorMessage(e) }));
    },
    rename: (item) => setRenaming(item),
    remove: (item) => setDeleting(item),
  };

  const addExamples = async (): Promise<void> => {
    setBusy(true);
    try {
      const r = await api.call('artifacts.addExamples');
      notify({ level: 'success', message: `Added ${r.slugs.length} examples.` });
      await load();
    } catch (e) {
      notify({ level: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const confirmDelete = async (): Promise<void> => {
    if (!deleting) return;
    const item = deleting;
    setBusy(true);
    try {
      const r = await api.call('artifacts.delete', { slug: item.slug });
      if (preview?.slug === item.slug) closePreview();
      notify({
        level: 'success',
        message: r.movedTo === 'os-trash' ? `Moved "${item.name}" to the trash.` : `Moved "${item.name}" to the workspace trash.`,
        details: r.location ?? undefined,
      });
      setDeleting(null);
      await load();
    } catch (e) {
      notify({ level: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const filtering = query.trim() !== '' || type !== 'all';

  return (
    <div className="view gallery">
      <header className="gallery-toolbar">
        <h1 className="gallery-title">Gallery</h1>
        <div className="gallery-search">
          <Icon name="search" />
          <input
            ref={searchRef}
            type="search"
            className="input"
            placeholder="Search name or description"
            aria-label="Search artifacts"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <select className="input gallery-select" aria-label="Filter by type" value={type} onChange={(e) => setType(e.target.value as TypeFilter)}>
          <option value="all">All types</option>
          {artifactTypes.map((t) => (
            <option key={t} value={t}>
              {typeInfo[t].label}
            </option>
          ))}
          <option value="damaged">Damaged</option>
        </select>
        <select className="input gallery-select" aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          <option value="recent">Most recent</option>
          <option value="name">Name</option>
        </select>
        <div className="gallery-layout" role="group" aria-label="Layout">
          <button type="button" className="icon-btn" aria-pressed={layout === 'grid'} aria-label="Grid" onClick={() => setLayout('grid')}>
            <Icon name="gallery" />
          </button>
          <button type="button" className="icon-btn" aria-pressed={layout === 'list'} aria-label="List" onClick={() => setLayout('list')}>
            <Icon name="logs" />
          </button>
        </div>
      </header>
      {error && (
        <p className="error-text gallery-error" role="alert">
          {error} <button type="button" className="link-btn" onClick={() => void load()}>Try again</button>
        </p>
      )}
      {!loaded ? (
        <div className="gallery-loading">
          <Spinner label="Loading artifacts" />
        </div>
      ) : items.length === 0 ? (
        <EmptyState
          icon="gallery"
          title="No artifacts yet"
          actions={
            <Button variant="primary" onClick={() => void addExamples()} disabled={busy}>
              {busy ? <Spinner label="Adding" /> : <Icon name="plus" />} Add examples
            </Button>
          }
        >
          Reports, dashboards and apps the agent builds appear here. Add two examples to look around: an HTML sales dashboard and a fullstack inventory app.
        </EmptyState>
      ) : visible.length === 0 ? (
        <EmptyState icon="search" title="Nothing matches">
          {filtering ? 'No artifact matches the search or type filter.' : 'Nothing to show.'}{' '}
          <button
            type="button"
            className="link-btn"
            onClick={() => {
              setQuery('');
              setType('all');
            }}
          >
            Clear filters
          </button>
        </EmptyState>
      ) : (
        <VirtualGrid items={visible} layout={layout} actions={actions} now={now} />
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {loaded ? `${visible.length} of ${items.length} artifacts shown` : ''}
      </p>
      <RenameDialog
        item={renaming}
        onClose={() => setRenaming(null)}
        onDone={() => {
          setRenaming(null);
          void load();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete artifact?"
        message={
          deleting
            ? `"${deleting.name}" and all its files will be moved to the trash. You can restore it from there.`
            : ''
        }
        confirmLabel="Delete"
        danger
        busy={busy}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}

/** Only the rows in view are in the DOM, so a gallery of thousands stays fast. */
function VirtualGrid({ items, layout, actions, now }: { items: ArtifactListItem[]; layout: 'grid' | 'list'; actions: CardActions; now: number }) {
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
