import { beforeEach, describe, expect, it, vi } from 'vitest';
import { endpoints } from '../shared/contract/index';

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

  it('forwards every contract channel to main', async () => {
    const bridge = exposed.kiln as Bridge;
    for (const channel of Object.keys(endpoints)) await bridge.invoke(channel, undefined);
    expect(invoke.mock.calls.map((c) => c[0]).sort()).toEqual(Object.keys(endpoints).sort());
  });

  it('refuses any other channel without reaching main', async () => {
    const bridge = exposed.kiln as Bridge;
    for (const channel of ['kiln:event', 'electron:shell', 'constructor', '']) {
      await expect(bridge.invoke(channel, {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('passes on contract events only', () => {
    const bridge = exposed.kiln as Bridge;
    const heard: string[] = [];
    bridge.onEvent((name) => heard.push(name));
    for (const l of listeners) {
      l({}, 'settings.changed', {});
      l({}, 'secret.leak', {});
    }
    expect(heard).toEqual(['settings.changed']);
  });
});
