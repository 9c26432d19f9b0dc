// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import type { Preflight, PublishStatus } from '../../../shared/contract/publish';
import type { Disposable } from '../../../shared/lib/emitter';
import { setTransport } from '../../api/client';
import { useShell } from '../../stores/shell';
import { startSync } from '../../sync/sync';
import { FakeTransport } from '../../testing/fake-transport';
import { usePublish } from './store';
import { usePublishSheet } from './usePublishSheet';

const status = (state: PublishStatus['state']): PublishStatus => ({
  slug: 'sales',
  state,
  reportId: state === 'not-published' ? null : 'r-9',
  url: state === 'not-published' ? null : 'https://reports.example/r-9',
  lastMd5: null,
  currentMd5: null,
  access: { mode: 'restricted', passwordSet: false, emails: ['a@example.org', 'b@example.org'], orgAllowed: true },
});

const preflight = (over: Partial<Preflight> = {}): Preflight => ({
  slug: 'sales',
  name: 'Sales',
  kind: 'static',
  files: [{ path: 'index.html', bytes: 120 }],
  totalBytes: 120,
  bundleBytes: 100,
  md5: 'd41d8cd98f00b204e9800998ecf8427e',
  maxBundleBytes: 50_000_000,
  secretNames: [],
  datasources: [],
  warnings: [],
  blocking: [],
  status: status('not-published'),
  publishUrl: 'https://reports.example',
  apiKeySet: true,
  ...over,
});

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await act(() => new Promise<void>((r) => setTimeout(r, 5)));
}

let t: FakeTransport;
let sync: Disposable;
let pf: Preflight;

beforeEach(() => {
  usePublish.setState(usePublish.getInitialState(), true);
  useShell.setState(useShell.getInitialState(), true);
  pf = preflight();
  t = new FakeTransport().handle('publish.preflight', () => pf).handle('publish.cancel', () => ({ cancelled: true }));
  setTransport(t);
  sync = startSync();
});

afterEach(() => {
  cleanup();
  sync.dispose();
});

async function open() {
  const hook = renderHook(() => usePublishSheet('sales'));
  await settle();
  return hook;
}

describe('usePublishSheet', () => {
  it('loads the review: access as stored, status into the badge store, ready to publish', async () => {
    pf = preflight({ status: status('published') });
    const { result } = await open();
    expect(result.current.pf?.name).toBe('Sales');
    expect(result.current.access).toEqual({ mode: 'restricted', password: '', emails: 'a@example.org, b@example.org', orgAllowed: true });
    expect(result.current.published).toBe(true);
    expect(result.current.canPublish).toBe(true);
    expect(usePublish.getState().statuses['sales']?.state).toBe('published');
  });

  it('a password over the contract limit keeps Publish disabled until it fits', async () => {
    pf = preflight({ status: status('published') });
    const { result } = await open();
    act(() => result.current.setAccess({ mode: 'password', password: 'p'.repeat(1025), emails: '', orgAllowed: false }));
    expect(result.current.canPublish).toBe(false);
    act(() => result.current.setAccess({ mode: 'password', password: 'p'.repeat(1024), emails: '', orgAllowed: false }));
    expect(result.current.canPublish).toBe(true);
  });

  it('asks for a key up front when none is set, and not after it is saved', async () => {
    pf = preflight({ apiKeySet: false });
    const { result } = await open();
    expect(result.current.keyNeeded).toMatch(/No publish API key/);
    expect(result.current.canPublish).toBe(false);
    pf = preflight();
    act(() => result.current.keySaved());
    await settle();
    expect(result.current.keyNeeded).toBeNull();
    expect(t.channels().filter((c) => c === 'publish.preflight')).toHaveLength(2);
  });

  it('asks for a key when the service rejected it (reason publish-key-rejected)', async () => {
    t.handle('publish.start', () => {
      throw new KilnError('FORBIDDEN', 'The publish service rejected your API key. Enter a new key to publish.', 'HTTP 401', 'publish-key-rejected');
    });
    const { result } = await open();
    await act(() => result.current.publish());
    expect(result.current.phase).toBe('review');
    expect(result.current.keyNeeded).toMatch(/rejected your API key/);
    expect(result.current.error).toBeNull();
  });

  it('shows a FORBIDDEN that is not about the key as an error, not as a key prompt', async () => {
    t.handle('publish.start', () => {
      throw new KilnError('FORBIDDEN', 'sales is a link to a folder outside the workspace.', undefined, 'outside-workspace');
    });
    const { result } = await open();
    await act(() => result.current.publish());
    expect(result.current.keyNeeded).toBeNull();
    expect(result.current.error?.message).toBe('sales is a link to a folder outside the workspace.');
    expect(result.current.error?.reason).toBe('outside-workspace');
  });

  it('goes back to the review without an error when the user cancelled', async () => {
    t.handle('publish.start', () => {
      throw new KilnError('CANCELLED', 'Cancelled.');
    });
    const { result } = await open();
    await act(() => result.current.publish());
    expect(result.current.phase).toBe('review');
    expect(result.current.error).toBeNull();
    expect(result.current.keyNeeded).toBeNull();
  });

  it('follows publish.progress while uploading, then shows the result', async () => {
    let finish!: () => void;
    t.handle('publish.start', ({ access }) => {
      expect(access).toEqual({ mode: 'restricted', emails: ['a@example.org', 'b@example.org'], orgAllowed: true });
      return new Promise((resolve) => {
        finish = () => resolve({ slug: 'sales', reportId: 'r-9', url: 'https://reports.example/r-9', md5: 'd41d8cd98f00b204e9800998ecf8427e', version: 2, unchanged: false });
      });
    });
    const { result } = await open();
    let done: Promise<void> | undefined;
    act(() => {
      done = result.current.publish();
    });
    expect(result.current.phase).toBe('publishing');
    act(() => t.emit('publish.progress', { slug: 'sales', phase: 'upload', fraction: 0.5 }));
    act(() => t.emit('publish.progress', { slug: 'other', phase: 'zip', fraction: 0.1 }));
    expect(result.current.progress).toEqual({ slug: 'sales', phase: 'upload', fraction: 0.5 });
    await act(async () => {
      finish();
      await done;
    });
    expect(result.current.phase).toBe('done');
    expect(result.current.result?.url).toBe('https://reports.example/r-9');
  });

  it('unpublishes: the answer goes to the badge store, the review is read again', async () => {
    pf = preflight({ status: status('published') });
    t.handle('publish.unpublish', () => status('not-published'));
    const { result } = await open();
    act(() => result.current.setConfirmUnpublish(true));
    pf = preflight();
    act(() => result.current.unpublish());
    await settle();
    expect(result.current.confirmUnpublish).toBe(false);
    expect(usePublish.getState().statuses['sales']?.state).toBe('not-published');
    expect(result.current.published).toBe(false);
    expect(useShell.getState().toasts.at(-1)?.message).toMatch(/unpublished/);
  });

  it('shows why the review could not load', async () => {
    t.handle('publish.preflight', () => {
      throw new KilnError('NOT_FOUND', 'No artifact sales.');
    });
    const { result } = await open();
    expect(result.current.pf).toBeNull();
    expect(result.current.loadError?.message).toBe('No artifact sales.');
  });
});
