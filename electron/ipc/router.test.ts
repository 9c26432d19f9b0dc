import { describe, expect, it, vi } from 'vitest';
import { KilnError } from '../../shared/contract/core';
import { defaultSettings } from '../../shared/contract/settings';
import { createRouter, type HandlerMap } from './router';

const info = {
  name: 'Kiln', version: '1.2.3', platform: 'linux', arch: 'x64', runtime: 'web' as const,
  versions: { node: '20' }, workspace: '/w', userData: '/u',
};

function handlers(overrides: Partial<HandlerMap> = {}): HandlerMap {
  // Only the endpoints under test matter; the rest fail loudly if a test reaches them.
  const unexpected = () => {
    throw new Error('unexpected call');
  };
  const base: Partial<HandlerMap> = {
    'app.info': () => info,
    'app.notices': () => [],
    'app.openExternal': () => undefined,
    'settings.get': () => defaultSettings(),
    'settings.update': () => defaultSettings(),
  };
  return new Proxy({ ...base, ...overrides } as HandlerMap, {
    get: (target, key) => (key in target ? target[key as keyof HandlerMap] : unexpected),
  });
}
const ctx = { transport: 'test' as const };

describe('router', () => {
  it('returns the handler result for a valid call', async () => {
    const router = createRouter(handlers());
    await expect(router.call('app.info', undefined, ctx)).resolves.toEqual({ ok: true, data: info });
  });

  it('rejects invalid input with a VALIDATION error naming the field, without calling the handler', async () => {
    const update = vi.fn();
    const router = createRouter(handlers({ 'settings.update': update }));
    const result = await router.call('settings.update', { appearance: { theme: 'purple' } }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toContain('appearance.theme');
    expect(update).not.toHaveBeenCalled();
  });

  it('rejects unknown keys in input', async () => {
    const router = createRouter(handlers());
    const result = await router.call('settings.update', { appearance: { theme: 'dark', fontSize: 3 } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers an unknown channel with NOT_FOUND', async () => {
    const router = createRouter(handlers());
    await expect(router.call('fs.readAnything', {}, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await expect(router.call('__proto__', {}, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('turns a KilnError into its code, message and details, scrubbed', async () => {
    const router = createRouter(
      handlers({ 'app.info': () => { throw new KilnError('UNAVAILABLE', 'Keychain locked: hunter2', 'tail hunter2'); } }),
      { scrub: (t) => t.replaceAll('hunter2', '[PW]') },
    );
    await expect(router.call('app.info', undefined, ctx)).resolves.toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'Keychain locked: [PW]', details: 'tail [PW]' },
    });
  });

  it('passes a KilnError reason across for screens that branch on it', async () => {
    const router = createRouter(
      handlers({ 'app.info': () => { throw new KilnError('FORBIDDEN', 'Set a publish key first.', undefined, 'publish-key-missing'); } }),
    );
    await expect(router.call('app.info', undefined, ctx)).resolves.toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Set a publish key first.', reason: 'publish-key-missing' },
    });
  });

  it('turns an unexpected error into INTERNAL without a stack trace', async () => {
    const onInternalError = vi.fn();
    const router = createRouter(handlers({ 'app.info': () => { throw new TypeError('boom'); } }), { onInternalError });
    const result = await router.call('app.info', undefined, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toMatch(/at .*\.ts:\d+/);
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('refuses a handler answer that breaks the contract, and reports it', async () => {
    const onInternalError = vi.fn();
    const router = createRouter(handlers({ 'app.info': () => ({ name: 1 }) as never }), { onInternalError });
    await expect(router.call('app.info', undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(String(onInternalError.mock.calls[0]?.[1])).toContain('broke the contract');
  });

  it('drops fields the contract does not name from an answer', async () => {
    const router = createRouter(handlers({ 'app.info': () => ({ ...info, secretPath: '/home/ana/.ssh' }) as never }));
    await expect(router.call('app.info', undefined, ctx)).resolves.toEqual({ ok: true, data: info });
  });
});
