import { useEffect, useRef } from 'react';
import { artifactTypes } from '../../../shared/contract/artifacts';
import { Icon } from '../../components/Icon';
import { useShell } from '../../stores/shell';
import { typeInfo, type SortKey, type TypeFilter } from './model';
import { useGallery } from './store';

/** Search, type filter, sort and layout; Ctrl+K focuses the search. */
export function GalleryToolbar() {
  const { query, type, sort, layout, setQuery, setType, setSort, setLayout } = useGallery();
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
  return (
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
  );
}
