import { create } from 'zustand';
import type { ArtifactChange, ArtifactListItem, ArtifactRecord } from '../../../shared/contract/artifacts';
import { api, errorMessage } from '../../api/client';
import { bodyFor, bodyPath, bodySourceOf, rereadBody, type Body } from './body';

interface PreviewState {
  /** The artifact on screen in the preview pane, or null when the pane shows none. */
  slug: string | null;
  record: ArtifactRecord | null;
  body: Body | null;
  error: string | null;
  /** Bumped when a framed page's files changed: the frame reloads (its address stays the same). */
  frameKey: number;
  /** Shows an artifact: its record, then its body (two calls). */
  open(slug: string): void;
  close(): void;
  /** Reads record and body again (a workspace switch, a reconnect, a new type or primary). */
  reload(): void;
  /** Follows `artifacts.changed` for the open artifact, re-reading at most the file it shows. */
  applyChanges(changes: readonly ArtifactChange[], rescan: boolean): void;
}

/**
 * Every read is tagged with the generation it started in; a newer open, reload or re-read
 * bumps it, so a late answer for an older state is dropped.
 */
let generation = 0;
let fullLoadInFlight = false;

const lastItem = (changes: readonly ArtifactChange[]): ArtifactListItem | undefined =>
  changes.reduce<ArtifactListItem | undefined>((found, c) => c.item ?? found, undefined);

export const usePreview = create<PreviewState>()((set, get) => {
  /** Runs `read` for the current generation and applies its result only if nothing newer started. */
  const track = (read: () => Promise<Partial<PreviewState>>, full: boolean): void => {
    const mine = ++generation;
    if (full) fullLoadInFlight = true;
    read().then(
      (patch) => {
        if (mine === generation) set({ ...patch, error: null });
      },
      (e: unknown) => {
        if (mine === generation) set({ error: errorMessage(e) });
      },
    ).finally(() => {
      if (mine === generation) fullLoadInFlight = false;
    });
  };

  const load = (slug: string): void =>
    track(async () => {
      const record = await api.call('artifacts.open', { slug });
      return { record, body: await bodyFor(bodySourceOf(record)) };
    }, true);

  /** The file list changed under a body that shows it, or may now show something richer. */
  const refreshFilesBody = (record: ArtifactRecord, paths: ReadonlySet<string> | null): void =>
    track(async () => {
      const hasIndexHtml = record.files.some((f) => f.path === 'index.html') || Boolean(paths?.has('index.html'));
      const body = await bodyFor({ slug: record.slug, type: record.type, primary: record.primary, hasIndexHtml });
      if (body.kind !== 'files') return { body };
      return { record: await api.call('artifacts.open', { slug: record.slug }), body };
    }, false);

  return {
    slug: null,
    record: null,
    body: null,
    error: null,
    frameKey: 0,
    open(slug) {
      set({ slug, record: null, body: null, error: null });
      load(slug);
    },
    close() {
      generation++;
      fullLoadInFlight = false;
      set({ slug: null, record: null, body: null, error: null });
    },
    reload() {
      const { slug } = get();
      if (slug) load(slug);
    },
    applyChanges(changes, rescan) {
      const { slug, record, body, error } = get();
      if (!slug) return;
      if (rescan) return get().reload();
      const mine = changes.filter((c) => c.slug === slug);
      const last = mine.at(-1);
      if (!last) return;
      if (last.kind === 'removed') {
        generation++;
        set({ record: null, body: null, error: 'This artifact was deleted or moved out of the workspace.' });
        return;
      }
      // Nothing settled to patch, or a change that decides the body anew: read it all again.
      // An error on screen (a damaged record, a folder that was gone) may be fixed by this change.
      if (fullLoadInFlight || error || !record || !body || mine.some((c) => c.kind === 'created')) return get().reload();
      const item = lastItem(mine);
      if (item && (item.damaged || item.type !== record.type || item.primary !== record.primary)) return get().reload();
      const next = item ? { ...record, name: item.name, description: item.description, updatedAt: item.updatedAt } : record;
      if (next !== record) set({ record: next });

      const fileChanges = mine.filter((c) => c.kind === 'files');
      const paths = fileChanges.some((c) => !c.paths) ? null : new Set(fileChanges.flatMap((c) => c.paths ?? []));
      if (body.kind === 'files') {
        if (fileChanges.length > 0 || item?.fileCount !== record.files.length) refreshFilesBody(next, paths);
        return;
      }
      if (fileChanges.length === 0) return;
      // A framed page follows its own files (live-reload/useLiveFrame: in place, route and scroll kept).
      if (body.kind === 'frame') return;
      const shown = bodyPath(body);
      if (shown === null || (paths !== null && !paths.has(shown))) return;
      track(async () => {
        try {
          return { body: await rereadBody(slug, body) };
        } catch {
          // The file went away or broke: pick the body again, as on open.
          const fresh = await api.call('artifacts.open', { slug });
          return { record: fresh, body: await bodyFor(bodySourceOf(fresh)) };
        }
      }, false);
      // A fullstack app's frame follows its backend; its file tab reads the list when shown.
    },
  };
});
