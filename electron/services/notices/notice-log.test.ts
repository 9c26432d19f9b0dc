import { describe, expect, it } from 'vitest';
import { NoticeLog } from './notice-log';

describe('NoticeLog', () => {
  it('scrubs, keeps the newest up to its limit, and tells subscribers until they dispose', () => {
    const log = new NoticeLog((t) => t.replaceAll('hunter2', '[PW]'), 2);
    const heard: string[] = [];
    const sub = log.onNotice((n) => heard.push(n.message));
    log.add('warning', 'one hunter2', 'details hunter2');
    log.add('info', 'two');
    sub.dispose();
    log.add('error', 'three');
    expect(heard).toEqual(['one [PW]', 'two']);
    expect(log.list().map((n) => n.message)).toEqual(['two', 'three']);
    expect(log.listenerCount).toBe(0);
  });

  it('a subscriber that throws does not stop the notice from being kept or others from hearing it', () => {
    const log = new NoticeLog();
    const heard: string[] = [];
    log.onNotice(() => {
      throw new Error('broken');
    });
    log.onNotice((n) => heard.push(n.message));
    expect(() => log.add('info', 'kept')).not.toThrow();
    expect(heard).toEqual(['kept']);
    expect(log.list()).toHaveLength(1);
  });
});
