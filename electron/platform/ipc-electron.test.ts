import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../services/events/event-bus';
import type { Router } from '../ipc/router';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerElectronTransport, isTrustedSender } = await import('./ipc-electron');

const contents = { send: vi.fn(), isDestroyed: () => false };
const topFrame = (url: string) => ({ url, parent: null });
const router: Router = {
  channels: ['app.info'],
  call: vi.fn(async () => ({ ok: true as const, data: 'info' })),
};

describe('Electron IPC transport', () => {
  it('accepts only the top frame of the app window on app://kiln', () => {
    const win = () => contents as never;
    expect(isTrustedSender({ sender: contents, senderFrame: topFrame('app://kiln/index.html') } as never, win)).toBe(true);
    expect(isTrustedSender({ sender: contents, senderFrame: topFrame('http://127.0.0.1:5000/') } as never, win)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: topFrame('file:///etc/passwd') } as never, win)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: { url: 'app://kiln/index.html', parent: {} } } as never, win)).toBe(false);
    expect(isTrustedSender({ sender: {}, senderFrame: topFrame('app://kiln/index.html') } as never, win)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: null } as never, win)).toBe(false);
  });

  it('registers one handler per contract channel, refuses foreign senders and forwards events', async () => {
    const events = new EventBus();
    const off = registerElectronTransport(router, events, () => contents as never);
    expect([...handlers.keys()]).toEqual(['app.info']);
    const handler = handlers.get('app.info')!;
    await expect(handler({ sender: contents, senderFrame: topFrame('https://evil.example/') }, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(router.call).not.toHaveBeenCalled();
    await expect(handler({ sender: contents, senderFrame: topFrame('app://kiln/index.html') }, undefined)).resolves.toEqual({ ok: true, data: 'info' });
    events.emit('app.notice', { id: '1', level: 'info', message: 'hi', at: new Date().toISOString() });
    expect(contents.send).toHaveBeenCalledWith('kiln:event', 'app.notice', expect.objectContaining({ message: 'hi' }));
    off();
    expect(handlers.size).toBe(0);
  });
});
