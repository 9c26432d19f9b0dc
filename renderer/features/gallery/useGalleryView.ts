import { useEffect, useMemo, useState } from 'react';
import type { ArtifactListItem, ArtifactRecord } from '../../../shared/contract/artifacts';
import { api } from '../../api/client';
import { revealArtifact } from './reveal';
import { useAsyncAction } from '../../hooks/useAsyncAction';
import { useShell } from '../../stores/shell';
import type { CardActions } from './ArtifactCard';
import { visibleArtifacts } from './model';
import { useGallery } from './store';

/**
 * The gallery's state and actions: the list (from the store the sync module patches), the
 * filtered view, the clock for relative times, rename and delete dialogs, add examples.
 */
export function useGalleryView() {
  const gallery = useGallery();
  const { items, query, type, sort, load, applyChanges } = gallery;
  const notify = useShell((s) => s.notify);
  const openPreview = useShell((s) => s.openPreview);
  const [renaming, setRenaming] = useState<ArtifactListItem | null>(null);
  const [deleting, setDeleting] = useState<ArtifactListItem | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    void load();
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [load]);
  // A patched card says "just now", not "in 1 minute" against a clock up to a minute old.
  useEffect(() => setNow(Date.now()), [items]);

  const visible = useMemo(() => visibleArtifacts(items, query, type, sort), [items, query, type, sort]);
  const onError = { onError: (e: Error) => notify({ level: 'error', message: e.message }) };

  const addExamples = useAsyncAction(async () => {
    const r = await api.call('artifacts.addExamples');
    notify({ level: 'success', message: `Added ${r.slugs.length} examples.` });
    // The answer names the new folders only; one list brings their cards.
    await load();
  }, onError);

  const remove = useAsyncAction(async (item: ArtifactListItem) => {
    const r = await api.call('artifacts.delete', { slug: item.slug });
    const shell = useShell.getState();
    if (shell.preview?.slug === item.slug) shell.closePreview();
    notify({
      level: 'success',
      message: r.movedTo === 'os-trash' ? `Moved "${item.name}" to the trash.` : `Moved "${item.name}" to the workspace trash.`,
      details: r.location ?? undefined,
    });
    setDeleting(null);
    // The answer is the fact; main's change event says the same and patches nothing more.
    applyChanges([{ slug: item.slug, kind: 'removed', by: 'user' }]);
  }, onError);

  const renamed = (record: ArtifactRecord): void => {
    const item = renaming;
    setRenaming(null);
    if (item) applyChanges([{ slug: item.slug, kind: 'record', by: 'user', item: { ...item, name: record.name, updatedAt: record.updatedAt } }]);
  };

  const actions: CardActions = {
    open: (item) => openPreview(item.slug),
    reveal: (item) => revealArtifact(item.slug),
    rename: setRenaming,
    remove: setDeleting,
  };

  return {
    gallery,
    visible,
    now,
    actions,
    filtering: query.trim() !== '' || type !== 'all',
    clearFilters: () => {
      gallery.setQuery('');
      gallery.setType('all');
    },
    addExamples,
    renaming,
    closeRename: () => setRenaming(null),
    renamed,
    deleting,
    cancelDelete: () => setDeleting(null),
    confirmDelete: () => {
      if (deleting) void remove.run(deleting);
    },
    deleteBusy: remove.busy,
  };
}
