import { describe, expect, it } from 'vitest';
import { AfterStart } from './after-start';

describe('AfterStart', () => {
  it('holds deferred work until begin, then runs it one task at a time in order (first-flagged work first)', async () => {
    const order: string[] = [];
    const failed: string[] = [];
    const work = new AfterStart({ deferred: true }, (name) => failed.push(name));
    let release!: () => void;
    work.later('watcher', () => new Promise<void>((r) => (release = () => { order.push('watcher done'); r(); })));
    work.later('broken', () => {
      throw new Error('disk gone');
    });
    work.later('tidy', () => void order.push('tidy'));
    work.later('chats', async () => void order.push('chats'), { first: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);

    work.begin();
    work.begin(); // idempotent
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['chats']); // the watcher's task is still running; nothing overtakes it
    release();
    await work.idle();
    expect(order).toEqual(['chats', 'watcher done', 'tidy']);
    expect(failed).toEqual(['broken']);

    work.later('after', () => void order.push('after'));
    await work.idle();
    expect(order.at(-1)).toBe('after');
  });

  it('on quit, drops what has not started and waits for the task under way', async () => {
    const order: string[] = [];
    const work = new AfterStart({ deferred: true });
    let release!: () => void;
    work.later('watcher', () => new Promise<void>((r) => (release = () => { order.push('watcher'); r(); })));
    work.later('tidy', () => void order.push('tidy'));
    work.begin();
    await new Promise((r) => setTimeout(r, 10));
    let stopped = false;
    const stopping = work.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false); // the watcher's start is still under way
    release();
    await stopping;
    work.later('late', () => void order.push('late'));
    await work.idle();
    expect(order).toEqual(['watcher']);
  });

  it('runs work at once when nothing is deferred (tests and tools that never say they are up)', async () => {
    const order: string[] = [];
    const work = new AfterStart({ deferred: false });
    work.later('a', () => void order.push('a'));
    await work.idle();
    expect(order).toEqual(['a']);
  });
});
