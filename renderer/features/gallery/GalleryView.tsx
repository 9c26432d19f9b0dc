import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { GalleryToolbar } from './GalleryToolbar';
import { RenameDialog } from './RenameDialog';
import { useGalleryView } from './useGalleryView';
import { VirtualGrid } from './VirtualGrid';
import './gallery.css';

export function GalleryView() {
  const g = useGalleryView();
  const { items, loaded, error, layout, load } = g.gallery;
  return (
    <div className="view gallery">
      <GalleryToolbar />
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
            <Button variant="primary" onClick={() => void g.addExamples.run()} disabled={g.addExamples.busy}>
              {g.addExamples.busy ? <Spinner label="Adding" /> : <Icon name="plus" />} Add examples
            </Button>
          }
        >
          Reports, dashboards and apps the agent builds appear here. Add two examples to look around: an HTML sales dashboard and a fullstack inventory app.
        </EmptyState>
      ) : g.visible.length === 0 ? (
        <EmptyState icon="search" title="Nothing matches">
          {g.filtering ? 'No artifact matches the search or type filter.' : 'Nothing to show.'}{' '}
          <button type="button" className="link-btn" onClick={g.clearFilters}>
            Clear filters
          </button>
        </EmptyState>
      ) : (
        <VirtualGrid items={g.visible} layout={layout} actions={g.actions} now={g.now} />
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {loaded ? `${g.visible.length} of ${items.length} artifacts shown` : ''}
      </p>
      <RenameDialog item={g.renaming} onClose={g.closeRename} onDone={g.renamed} />
      <ConfirmDialog
        open={g.deleting !== null}
        title="Delete artifact?"
        message={g.deleting ? deleteMessage(g.deleting) : ''}
        confirmLabel="Delete"
        danger
        busy={g.deleteBusy}
        onConfirm={g.confirmDelete}
        onCancel={g.cancelDelete}
      />
    </div>
  );
}

/** A damaged entry may be a link: then the link is moved, never what it points to. */
function deleteMessage(item: { name: string; damaged?: { reason: string } }): string {
  return item.damaged
    ? `"${item.name}" will be moved to the trash as it is (a link is moved, never what it points to). You can restore it from there.`
    : `"${item.name}" and all its files will be moved to the trash. You can restore it from there.`;
}
