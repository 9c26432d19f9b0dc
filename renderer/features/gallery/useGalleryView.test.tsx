// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import { KilnError } from '../../../shared/contract/core';
import { setTransport } from '../../api/client';
import { useShell } from '../../stores/shell';
import { FakeWorkspace } from '../../testing/fake-workspace';
import { useGallery } from './store';
import { useGalleryView } from './useGalleryView';

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await act(() => new Promise<void>((r) => setTimeout(r, 5)));
}

let ws: FakeWorkspace;

beforeEach(() => {
  useGallery.setState(useGallery.getInitialState(), true);
  useShell.setState(useShell.getInitialState(), true);
  ws = new FakeWorkspace()
    .add('sales', 'html-app', { 'index.html': 'x' })
    .add('stock', 'dataset', { 'stock.csv': 'a,b' })
    .add('notes', 'document', { 'notes.md': '# n' }, { primary: 'notes.md' });
  setTransport(ws.transport);
});

afterEach(cleanup);

async function mount() {
  const hook = renderHook(() => useGalleryView());
  await settle();
  return hook;
}

describe('useGalleryView', () => {
  it('loads the list once, newest first, and filters it', async () => {
    const { result } = await mount();
    expect(ws.transport.channels()).toEqual(['artifacts.list']);
    expect(result.current.visible.map((i) => i.slug)).toEqual(['notes', 'stock', 'sales']);
    act(() => result.current.gallery.setQuery('STOCK'));
    expect(result.current.visible.map((i) => i.slug)).toEqual(['stock']);
    expect(result.current.filtering).toBe(true);
    act(() => result.current.clearFilters());
    expect(result.current.visible).toHaveLength(3);
  });

  it('deletes: the card goes at once, the open preview closes, a toast says where it went', async () => {
    ws.transport.handle('artifacts.delete', () => ({ movedTo: 'os-trash', location: null }));
    const { result } = await mount();
    act(() => useShell.getState().openPreview('stock'));
    const stock = result.current.visible.find((i) => i.slug === 'stock')!;
    act(() => result.current.actions.remove(stock));
    expect(result.current.deleting?.slug).toBe('stock');
    ws.transport.resetCalls();
    act(() => result.current.confirmDelete());
    await settle();
    expect(ws.transport.channels()).toEqual(['artifacts.delete']);
    expect(result.current.visible.map((i) => i.slug)).toEqual(['notes', 'sales']);
    expect(result.current.deleting).toBeNull();
    expect(useShell.getState().preview).toBeNull();
    expect(useShell.getState().toasts.at(-1)).toMatchObject({ level: 'success', message: 'Moved "Artifact stock" to the trash.' });
  });

  it('keeps the card and the dialog when the delete fails, and says why', async () => {
    ws.transport.handle('artifacts.delete', () => {
      throw new KilnError('IO', 'The folder is in use.');
    });
    const { result } = await mount();
    const sales = result.current.visible.find((i) => i.slug === 'sales')!;
    act(() => result.current.actions.remove(sales));
    act(() => result.current.confirmDelete());
    await settle();
    expect(result.current.visible).toHaveLength(3);
    expect(result.current.deleting?.slug).toBe('sales');
    expect(result.current.deleteBusy).toBe(false);
    expect(useShell.getState().toasts.at(-1)).toMatchObject({ level: 'error', message: 'The folder is in use.' });
  });

  it('shows a rename at once from the answer', async () => {
    const { result } = await mount();
    const notes = result.current.visible.find((i) => i.slug === 'notes')!;
    act(() => result.current.actions.rename(notes));
    act(() => result.current.renamed(recordOf('notes', 'Meeting notes')));
    expect(result.current.renaming).toBeNull();
    expect(result.current.visible.find((i) => i.slug === 'notes')?.name).toBe('Meeting notes');
  });

  it('adds the examples and reads the list once for their cards', async () => {
    ws.transport.handle('artifacts.addExamples', () => {
      ws.add('sales-dashboard', 'html-app', { 'index.html': 'x' });
      return { slugs: ['sales-dashboard'] };
    });
    const { result } = await mount();
    ws.transport.resetCalls();
    await act(async () => void (await result.current.addExamples.run()));
    expect(ws.transport.channels()).toEqual(['artifacts.addExamples', 'artifacts.list']);
    expect(result.current.visible[0]?.slug).toBe('sales-dashboard');
    expect(useShell.getState().toasts.at(-1)?.message).toBe('Added 1 examples.');
  });
});

function recordOf(slug: string, name: string): ArtifactRecord {
  const item = ws.item(slug);
  return {
    schemaVersion: 1,
    id: item.id ?? 'x',
    slug,
    createdAt: item.createdAt ?? item.updatedAt,
    updatedAt: item.updatedAt,
    name,
    description: '',
    type: item.type ?? 'document',
    primary: item.primary,
    port: null,
    datasources: [],
    files: [],
    provenance: [],
  };
}
