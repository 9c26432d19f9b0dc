import { describe, expect, it } from 'vitest';
import { ShutdownRegistry } from './shutdown';

describe('ShutdownRegistry', () => {
  it('runs every hook once, newest first, even when one fails or hangs', async () => {
    const reg = new ShutdownRegistry();
    const order: string[] = [];
    reg.register('first', () => void order.push('first'));
    reg.register('broken', () => {
      throw new Error('x');
    });
    reg.register('hangs', () => new Promise(() => undefined));
    reg.register('last', async () => void order.push('last'));
    const [a, b] = await Promise.all([reg.runAll(50), reg.runAll(50)]);
    expect(order).toEqual(['last', 'first']);
    expect(a).toEqual(['hangs', 'broken']);
    expect(b).toBe(a);
  });
  it('forgets a hook that unregistered', async () => {
    const reg = new ShutdownRegistry();
    let ran = false;
    const off = reg.register('x', () => void (ran = true));
    off();
    await reg.runAll();
    expect(ran).toBe(false);
  });
});
