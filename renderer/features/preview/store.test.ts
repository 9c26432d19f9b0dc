import { beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../../api/client';
import { FakeWorkspace } from '../../testing/fake-workspace';
import { usePreview } from './store';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
let ws: FakeWorkspace;

beforeEach(() => {
  usePreview.setState(usePreview.getInitialState(), true);
  ws = new FakeWorkspace()
    .add('empty-app', 'html-app', {})
    .add('notes', 'document', { 'notes.md': '# Notes' }, { primary: 'notes.md' })
    .add('other', 'document', { 'other.md': '# Other' }, { primary: 'other.md' });
  setTransport(ws.transport);
});

describe('the preview store', () => {
  it('an app without pages shows its files; the first index.html turns it into a page with one call', async () => {
    usePreview.getState().open('empty-app');
    await settle();
    expect(usePreview.getState().body).toEqual({ kind: 'files' });
    ws.transport.resetCalls();
    usePreview.getState().applyChanges([ws.write('empty-app', 'index.html', '<h1>hi</h1>')], false);
    await settle();
    expect(ws.transport.channels()).toEqual(['preview.open']);
    expect(usePreview.getState().body?.kind).toBe('frame');
  });

  it('a new file that is not a page keeps the file list, read again in one call', async () => {
    usePreview.getState().open('empty-app');
    await settle();
    ws.transport.resetCalls();
    usePreview.getState().applyChanges([ws.write('empty-app', 'data.csv', 'a,b')], false);
    await settle();
    expect(ws.transport.channels()).toEqual(['artifacts.open']);
    expect(usePreview.getState().record?.files.map((f) => f.path)).toEqual(['data.csv']);
  });

  it('drops a late answer for an artifact that is no longer open', async () => {
    usePreview.getState().open('notes');
    usePreview.getState().open('other');
    await settle();
    expect(usePreview.getState().record?.slug).toBe('other');
    expect(usePreview.getState().body).toMatchObject({ kind: 'markdown', text: '# Other' });
  });

  it('reads everything again when a change gives the open artifact another type or primary', async () => {
    usePreview.getState().open('notes');
    await settle();
    ws.transport.resetCalls();
    const change = ws.write('notes', 'summary.md', '# Summary');
    usePreview.getState().applyChanges([{ ...change, item: { ...change.item!, primary: 'summary.md' } }], false);
    await settle();
    expect(ws.transport.channels()).toEqual(['artifacts.open', 'artifacts.readText']);
  });

  it('ignores changes once closed', async () => {
    usePreview.getState().open('notes');
    await settle();
    usePreview.getState().close();
    ws.transport.resetCalls();
    usePreview.getState().applyChanges([ws.write('notes', 'notes.md', '# x')], false);
    await settle();
    expect(ws.transport.calls).toEqual([]);
    expect(usePreview.getState().record).toBeNull();
  });
});
