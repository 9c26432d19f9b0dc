import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectedChannels, expectedEvents } from '../shared/contract/allowlist.expected';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, data: 'fine' }));
const listeners: Array<(e: unknown, ...a: unknown[]) => void> = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (_channel: string, l: (e: unknown, ...a: unknown[]) => void) => listeners.push(l),
    removeListener: () => undefined,
  },
}));

interface Bridge {
  invoke(channel: string, input: unknown): Promise<unknown>;
  onEvent(l: (name: string, payload: unknown) => void): () => void;
}

describe('preload bridge', () => {
  beforeEach(async () => {
    invoke.mockClear();
    await import('./preload');
  });

  it('exposes only invoke and onEvent on window.kiln', () => {
    expect(Object.keys(exposed)).toEqual(['kiln']);
    expect(Object.keys(exposed.kiln as object).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('forwards every channel of the hand-kept list to main', async () => {
    const bridge = exposed.kiln as Bridge;
    for (const channel of expectedChannels) await bridge.invoke(channel, undefined);
    expect(invoke.mock.calls.map((c) => c[0]).sort()).toEqual([...expectedChannels].sort());
  });

  it('refuses any other channel without reaching main', async () => {
    const bridge = exposed.kiln as Bridge;
    for (const channel of ['kiln:event', 'electron:shell', 'constructor', '__proto__', '', 'app.info ', 'APP.INFO']) {
      await expect(bridge.invoke(channel, {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('passes on the hand-kept events only', () => {
    const bridge = exposed.kiln as Bridge;
    const heard: string[] = [];
    bridge.onEvent((name) => heard.push(name));
    for (const l of listeners) {
      for (const name of expectedEvents) l({}, name, {});
      l({}, 'secret.leak', {});
      l({}, 'app.info', {}); // a channel, not an event
    }
    expect(heard).toEqual([...expectedEvents]);
  });
});
