// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../../shared/lib/emitter';
import { eventNames } from '../../shared/contract/index';
import { setTransport } from '../api/client';
import { ArtifactCard, type CardActions } from '../features/gallery/ArtifactCard';
import { useGallery } from '../features/gallery/store';
import { PreviewPane } from '../features/preview/PreviewPane';
import { usePreview } from '../features/preview/store';
import { usePublish } from '../features/publish/store';
import { useShell } from '../stores/shell';
import { FakeWorkspace } from '../testing/fake-workspace';
import { eventHandlers, startSync } from './sync';

const N = 24;
const noActions: CardActions = { open: () => undefined, reveal: () => undefined, rename: () => undefined, remove: () => undefined };

/** The gallery's cards (each with its publish badge) and the preview pane, as the app shows them. */
function Screen({ open }: { open: string }) {
  const items = useGallery((s) => s.items);
  useEffect(() => void useGallery.getState().load(), []);
  return (
    <>
      <div data-testid="gallery">
        {items.map((i) => (
          <ArtifactCard key={i.slug} item={i} actions={noActions} layout="grid" now={Date.now()} />
        ))}
      </div>
      <PreviewPane slug={open} />
    </>
  );
}

/** Lets every pending answer and re-render run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await act(() => new Promise<void>((r) => setTimeout(r, 5)));
}

let ws: FakeWorkspace;
let sync: Disposable;

beforeEach(() => {
  useGallery.setState(useGallery.getInitialState(), true);
  usePreview.setState(usePreview.getInitialState(), true);
  usePublish.setState(usePublish.getInitialState(), true);
  useShell.setState(useShell.getInitialState(), true);
  ws = new FakeWorkspace();
  for (let i = 0; i < N; i++) ws.add(`dash-${i}`, 'html-app', { 'index.html': `<h1>${i}</h1>` }, { publish: i === 3 ? 'published' : 'not-published' });
  ws.add('report', 'document', { 'report.md': '# First draft' }, { primary: 'report.md', publish: 'published' });
  setTransport(ws.transport);
  sync = startSync();
});

afterEach(() => {
  cleanup();
  sync.dispose();
});

async function show(open: string): Promise<void> {
  render(<Screen open={open} />);
  await settle();
  expect(screen.getByTestId('gallery').querySelectorAll('article')).toHaveLength(N + 1);
  ws.transport.resetCalls();
}

describe('one agent write_file, as the renderer sees it', () => {
  it('re-reads only the open document’s changed file: one call for N cards and the preview', async () => {
    await show('report');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('First draft');

    const change = ws.write('report', 'report.md', '# Second draft\n\nWith numbers.');
    act(() => ws.transport.emit('artifacts.changed', { changes: [change] }));
    await settle();

    expect(ws.transport.calls).toEqual([{ channel: 'artifacts.readText', input: { slug: 'report', path: 'report.md' } }]);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Second draft');
    // The list moved the written artifact first (newest), and its badge says the bundle changed.
    expect(useGallery.getState().items[0]?.slug).toBe('report');
    expect(usePublish.getState().statuses['report']?.state).toBe('changed');
    // Both badges (the card's and the preview header's) read the one store.
    expect(screen.getAllByText('Unpublished changes')).toHaveLength(2);
  });

  it('reloads a framed page without any call', async () => {
    await show('dash-3');
    const before = document.querySelector('iframe');
    expect(before?.getAttribute('src')).toContain('/dash-3/');

    act(() => ws.transport.emit('artifacts.changed', { changes: [ws.write('dash-3', 'data.js', 'window.rows = []')] }));
    // Live reload waits a short quiet time (a burst reloads once); this page has no reload
    // client (jsdom), so the frame is mounted anew on the same address.
    await act(() => new Promise<void>((r) => setTimeout(r, 300)));
    await settle();

    expect(ws.transport.calls.filter((c) => c.channel !== 'preview.liveReload')).toEqual([]);
    const after = document.querySelector('iframe');
    expect(after).not.toBe(before);
    expect(after?.getAttribute('src')).toBe(before?.getAttribute('src'));
    expect(screen.getByRole('article', { name: 'Artifact dash-3' }).textContent).toContain('2 files');
  });

  it('makes no call when the written artifact is not the open one, or the file is not the one shown', async () => {
    await show('report');
    act(() => ws.transport.emit('artifacts.changed', { changes: [ws.write('dash-7', 'index.html', '<h1>new</h1>')] }));
    act(() => ws.transport.emit('artifacts.changed', { changes: [ws.write('report', 'notes/raw.csv', 'a,b\n1,2')] }));
    await settle();
    expect(ws.transport.calls).toEqual([]);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('First draft');
  });

  it('keeps a published badge when only a bookkeeping file changed', async () => {
    await show('report');
    act(() => ws.transport.emit('artifacts.changed', { changes: [ws.write('dash-3', 'README.md', 'notes')] }));
    await settle();
    expect(usePublish.getState().statuses['dash-3']?.state).toBe('published');
    expect(ws.transport.calls).toEqual([]);
  });
});

describe('other changes', () => {
  it('drops a removed artifact from the list and says so in the preview, without a call', async () => {
    await show('report');
    act(() => ws.transport.emit('artifacts.changed', { changes: [ws.remove('report')] }));
    await settle();
    expect(ws.transport.calls).toEqual([]);
    expect(screen.getByTestId('gallery').querySelectorAll('article')).toHaveLength(N);
    expect(screen.getByRole('alert').textContent).toMatch(/deleted or moved/);
  });

  it('reads the list once on rescan (workspace switched), and each card on screen asks for its badge again', async () => {
    await show('report');
    act(() => ws.transport.emit('artifacts.changed', { changes: [], rescan: true }));
    await settle();
    const channels = ws.transport.channels();
    expect(channels.filter((c) => c === 'artifacts.list')).toHaveLength(1);
    expect(channels.filter((c) => c === 'publish.status')).toHaveLength(N + 1);
  });

  it('refreshes one badge on publish.changed, only for a status something shows', async () => {
    await show('report');
    act(() => ws.transport.emit('publish.changed', { slug: 'dash-5' }));
    act(() => ws.transport.emit('publish.changed', { slug: 'not-on-screen' }));
    await settle();
    expect(ws.transport.calls).toEqual([{ channel: 'publish.status', input: { slug: 'dash-5' } }]);
  });

  it('after the link to main comes back, reads again what is on screen (events sent meanwhile are lost)', async () => {
    await show('report');
    act(() => ws.transport.setConnected(false));
    expect(useShell.getState().connected).toBe(false);
    ws.write('report', 'report.md', '# Written while offline');
    act(() => ws.transport.setConnected(true));
    await settle();
    expect(useShell.getState().connected).toBe(true);
    const channels = ws.transport.channels();
    expect(channels.filter((c) => c === 'artifacts.list')).toHaveLength(1);
    expect(channels.filter((c) => c === 'publish.status')).toHaveLength(N + 1);
    expect(channels).toEqual(expect.arrayContaining(['settings.get', 'chat.list', 'artifacts.open', 'artifacts.readText']));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Written while offline');
  });

  it('has a store action for every event in the contract', () => {
    expect(Object.keys(eventHandlers).sort()).toEqual([...eventNames].sort());
  });
});
