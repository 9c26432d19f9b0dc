import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArtifactChange } from '../../shared/contract/artifacts';
import { setTransport } from '../api/client';
import { useGallery } from '../features/gallery/store';
import { FakeWorkspace } from '../testing/fake-workspace';
import { BACKEND_CHANGE_DELAY_MS, delayBackendChanges, isBackendOnly } from './backend-change-delay';
import { eventHandlers } from './sync';

const files = (slug: string, ...paths: string[]): ArtifactChange => ({ slug, kind: 'files', paths, by: 'agent' });

describe('delayBackendChanges', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells backend code from everything else', () => {
    expect(isBackendOnly(files('app', 'backend.py'))).toBe(true);
    expect(isBackendOnly(files('app', 'backend.py', 'lib/db.py', 'requirements.txt'))).toBe(true);
    expect(isBackendOnly(files('app', 'backend.py', 'static/index.html'))).toBe(false);
    expect(isBackendOnly(files('app', 'static/app.py'))).toBe(false); // static/ is served, not run
    expect(isBackendOnly({ slug: 'app', kind: 'files', by: 'outside' })).toBe(false); // unknown paths
    expect(isBackendOnly({ slug: 'app', kind: 'record', by: 'user' })).toBe(false);
  });

  it('applies a backend-only change after the delay, once for a burst', () => {
    const applied: ArtifactChange[][] = [];
    const feed = delayBackendChanges((c) => applied.push(c), 250);
    feed.push([files('app', 'backend.py')]);
    vi.advanceTimersByTime(200);
    feed.push([files('app', 'lib/db.py')]);
    vi.advanceTimersByTime(249);
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(applied).toEqual([[files('app', 'backend.py'), files('app', 'lib/db.py')]]);
  });

  it('passes any other change at once, after what it held, so the later change wins', () => {
    const applied: ArtifactChange[][] = [];
    const feed = delayBackendChanges((c) => applied.push(c), 250);
    const page = files('app', 'static/index.html');
    const renamed: ArtifactChange = { slug: 'app', kind: 'record', by: 'user' };
    feed.push([files('app', 'backend.py')]);
    feed.push([page]);
    feed.push([renamed]);
    expect(applied).toEqual([[files('app', 'backend.py')], [page], [renamed]]);
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(3); // nothing applied twice
  });

  it('drops what it holds when disposed (sync stopped), and flush applies it at once', () => {
    const applied: ArtifactChange[][] = [];
    const feed = delayBackendChanges((c) => applied.push(c), 250);
    feed.push([files('a', 'backend.py')]);
    feed.flush();
    expect(applied).toEqual([[files('a', 'backend.py')]]);
    feed.push([files('b', 'backend.py')]);
    feed.dispose();
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(1);
  });
});

describe('artifacts.changed for backend code, as the gallery sees it', () => {
  beforeEach(() => useGallery.setState(useGallery.getInitialState(), true));

  it('a backend.py write still reaches the gallery (newest first), a moment later', async () => {
    const ws = new FakeWorkspace();
    ws.add('old', 'html-app', { 'index.html': '<h1>old</h1>' });
    ws.add('app', 'fullstack-stateless-app', { 'backend.py': 'print(1)', 'static/index.html': '<p>app</p>' });
    ws.add('newer', 'html-app', { 'index.html': '<h1>newer</h1>' });
    setTransport(ws.transport);
    await useGallery.getState().load();
    expect(useGallery.getState().items[0]?.slug).toBe('newer');

    eventHandlers['artifacts.changed']({ changes: [ws.write('app', 'backend.py', 'print(2)')] });
    expect(useGallery.getState().items[0]?.slug).toBe('newer'); // held back while the restart starts
    await new Promise((r) => setTimeout(r, BACKEND_CHANGE_DELAY_MS + 50));
    expect(useGallery.getState().items[0]?.slug).toBe('app');
    expect(useGallery.getState().items[0]?.updatedAt).toBe(ws.item('app').updatedAt);
  });
});
