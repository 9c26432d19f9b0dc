import { compareListItems, listItem } from '../../shared/artifacts/list-items';
import type { ArtifactChange, ArtifactListItem, ArtifactRecord, ArtifactType } from '../../shared/contract/artifacts';
import { KilnError } from '../../shared/contract/core';
import type { PublishStatus } from '../../shared/contract/publish';
import { FakeTransport } from './fake-transport';

interface Folder {
  record: ArtifactRecord;
  files: Map<string, string>;
  publish: PublishStatus['state'];
}

let clock = Date.UTC(2026, 5, 1, 12, 0, 0);
const tick = (): string => new Date((clock += 1000)).toISOString();

const notFound = (slug: string): KilnError => new KilnError('NOT_FOUND', `No artifact ${slug}.`);

/**
 * An in-memory workspace behind a FakeTransport: the endpoints the gallery, the preview and the
 * publish badges use answer from it, and `write` changes it the way the agent's write_file does,
 * returning the change main announces for it.
 */
export class FakeWorkspace {
  readonly transport = new FakeTransport();
  private readonly folders = new Map<string, Folder>();

  constructor() {
    const t = this.transport;
    t.handle('artifacts.list', () => [...this.folders.values()].map((f) => this.item(f.record.slug)).sort(compareListItems));
    t.handle('artifacts.open', ({ slug }) => this.record(slug));
    t.handle('artifacts.readText', ({ slug, path }) => {
      const f = this.folder(slug);
      const p = path ?? f.record.primary ?? '';
      const text = f.files.get(p);
      if (text === undefined) throw new KilnError('NOT_FOUND', `${p} does not exist.`);
      return { path: p, text };
    });
    t.handle('preview.open', ({ slug }) => ({ url: `http://127.0.0.1:47000/${encodeURIComponent(this.folder(slug).record.slug)}/` }));
    t.handle('publish.status', ({ slug }) => {
      const f = this.folder(slug);
      return {
        slug,
        state: f.publish,
        reportId: f.publish === 'not-published' ? null : 'r-1',
        url: f.publish === 'not-published' ? null : `https://reports.example/${slug}`,
        lastMd5: null,
        currentMd5: null,
        access: { mode: 'public', passwordSet: false, emails: [], orgAllowed: false },
      };
    });
  }

  add(slug: string, type: ArtifactType, files: Record<string, string>, opts: { primary?: string; publish?: PublishStatus['state'] } = {}): this {
    const now = tick();
    const record: ArtifactRecord = {
      schemaVersion: 1,
      id: slug.slice(0, 8).padEnd(8, '0'),
      slug,
      createdAt: now,
      updatedAt: now,
      name: `Artifact ${slug}`,
      description: '',
      type,
      primary: opts.primary ?? null,
      port: null,
      datasources: [],
      files: [],
      provenance: [],
    };
    const folder: Folder = { record, files: new Map(Object.entries(files)), publish: opts.publish ?? 'not-published' };
    this.folders.set(slug, folder);
    this.syncFiles(folder, now);
    return this;
  }

  /** What the agent's write_file does to the folder, and the one change main emits for it. */
  write(slug: string, path: string, text: string): ArtifactChange {
    const f = this.folder(slug);
    f.files.set(path, text);
    this.syncFiles(f, tick());
    return { slug, kind: 'files', paths: [path], by: 'agent', item: this.item(slug) };
  }

  remove(slug: string): ArtifactChange {
    this.folders.delete(slug);
    return { slug, kind: 'removed', by: 'outside' };
  }

  record(slug: string): ArtifactRecord {
    return this.folder(slug).record;
  }

  item(slug: string): ArtifactListItem {
    const r = this.folder(slug).record;
    return listItem(r.slug, r);
  }

  private folder(slug: string): Folder {
    const f = this.folders.get(slug);
    if (!f) throw notFound(slug);
    return f;
  }

  private syncFiles(f: Folder, at: string): void {
    f.record = {
      ...f.record,
      updatedAt: at,
      files: [...f.files].map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text).length, modifiedAt: at })),
    };
  }
}
