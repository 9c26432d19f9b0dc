// @vitest-environment jsdom
import { cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBackends } from '../../backends/store';
import { useReloadOnNewProcess } from './useReloadOnNewProcess';

afterEach(cleanup);

describe('useReloadOnNewProcess', () => {
  let reloads: number;
  const reload = (): void => void reloads++;
  const set = (state: 'running' | 'stopped' | 'crashed', pid?: number, slug = 'app'): void =>
    useBackends.getState().setStatus({ slug, state, ...(pid === undefined ? {} : { pid }) });

  beforeEach(() => {
    reloads = 0;
    useBackends.setState({ statuses: {} });
  });

  it('reloads the frame while the state event is handled, the moment a new process serves', () => {
    set('running', 100);
    renderHook(() => useReloadOnNewProcess('app', reload));
    set('running', 100); // the same process (a log or warning update): no reload
    expect(reloads).toBe(0);
    set('running', 200); // a live restart switched to the new process
    expect(reloads).toBe(1); // synchronously: no render or paint in between
    set('running', 300, 'other'); // another artifact's restart
    expect(reloads).toBe(1);
  });

  it('does not reload for the first start, and does for a start after a crash', () => {
    renderHook(() => useReloadOnNewProcess('app', reload));
    set('running', 100);
    expect(reloads).toBe(0);
    set('crashed');
    set('running', 101);
    expect(reloads).toBe(1);
  });

  it('stops listening when the pane goes away', () => {
    set('running', 100);
    const hook = renderHook(() => useReloadOnNewProcess('app', reload));
    hook.unmount();
    set('running', 200);
    expect(reloads).toBe(0);
  });
});
