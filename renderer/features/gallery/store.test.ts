import { beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { setTransport } from '../../api/client';
import { FakeTransport } from '../../testing/fake-transport';
import { patchList, useGallery } from './store';

const item = (slug: string, updatedAt: string, name = slug): ArtifactListItem => ({
  slug, id: null, name, description: '', type: 'document', primary: null, createdAt: null, updatedAt, fileCount: 1,
});

describe('patching the gallery list from change events', () => {
  const list = [item('b', '2026-06-01T12:00:02Z'), item('a', '2026-06-01T12:00:01Z')];

  it('upserts items in list order, drops removed ones, and leaves the list alone for a change without an item', () => {
    const next = patchList(list, [
      { slug: 'a', kind: 'files', paths: ['x.md'], by: 'agent', item: item('a', '2026-06-01T12:00:05Z', 'A2') },
      { slug: 'c', kind: 'created', by: 'outside', item: item('c', '2026-06-01T12:00:03Z') },
      { slug: 'b', kind: 'removed', by: 'user' },
    ]);
    expect(next.map((i) => [i.slug, i.name])).toEqual([
      ['a', 'A2'],
      ['c', 'c'],
    ]);
    expect(patchList(list, [{ slug: 'a', kind: 'files', paths: ['x.md'], by: 'outside' }])).toBe(list);
    expect(patchList(list, [{ slug: 'zzz', kind: 'removed', by: 'outside' }])).toBe(list);
  });

  beforeEach(() => useGallery.setState(useGallery.getInitialState(), true));

  it('ignores changes before the first list, and keeps a change that arrives while a list is in flight', async () => {
    let answer!: (items: ArtifactListItem[]) => void;
    const t = new FakeTransport().handle('artifacts.list', () => new Promise<ArtifactListItem[]>((r) => (answer = r)));
    setTransport(t);
    useGallery.getState().applyChanges([{ slug: 'early', kind: 'created', by: 'agent', item: item('early', '2026-06-01T12:00:00Z') }]);
    expect(useGallery.getState().items).toEqual([]);

    const loading = useGallery.getState().load();
    await new Promise((r) => setTimeout(r, 0));
    // The answer below was computed before this write.
    useGallery.getState().applyChanges([{ slug: 'a', kind: 'files', by: 'agent', item: item('a', '2026-06-01T12:00:09Z', 'newer') }]);
    answer(list);
    await loading;
    expect(useGallery.getState().items.map((i) => [i.slug, i.name])).toEqual([
      ['a', 'newer'],
      ['b', 'b'],
    ]);
    expect(t.channels()).toEqual(['artifacts.list']);
  });
});
