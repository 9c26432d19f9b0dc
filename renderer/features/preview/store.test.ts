import { beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
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

  it('comes back by itself when a damaged record is fixed outside Kiln', async () => {
    usePreview.getState().open('notes');
    await settle();
    const healthy = ws.item('notes');
    ws.transport.handle('artifacts.open', () => {
      throw new KilnError('CONFLICT', 'The record of "notes" is damaged.', undefined, 'record-damaged');
    });
    usePreview.getState().applyChanges([{ slug: 'notes', kind: 'record', by: 'outside', item: { ...healthy, damaged: { reason: 'bad JSON' } } }], false);
    await settle();
    expect(usePreview.getState().error).toMatch(/damaged/);

    ws.transport.handle('artifacts.open', ({ slug }) => ws.record(slug));
    ws.transport.resetCalls();
    usePreview.getState().applyChanges([{ slug: 'notes', kind: 'record', by: 'outside', item: { ...healthy, name: 'Notes fixed' } }], false);
    await settle();
    expect(ws.transport.channels()).toContain('artifacts.open');
    expect(usePreview.getState().error).toBeNull();
    expect(usePreview.getState().body).toMatchObject({ kind: 'markdown', text: '# Notes' });
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
