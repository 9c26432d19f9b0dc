import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/contract/index';
import { NoticeLog } from '../notices/notice-log';
import { EventBus } from './event-bus';

const notice: EventPayload<'app.notice'> = { id: 'n1', level: 'info', message: 'hello', at: '2026-01-01T00:00:00.000Z' };

describe('EventBus', () => {
  it('delivers a contract payload to every subscriber until it disposes', () => {
    const bus = new EventBus();
    const heard: string[] = [];
    const a = bus.subscribe((name) => heard.push(`a:${name}`));
    bus.subscribe((name) => heard.push(`b:${name}`));
    bus.emit('app.notice', notice);
    a.dispose();
    bus.emit('app.notice', notice);
    expect(heard).toEqual(['a:app.notice', 'b:app.notice', 'b:app.notice']);
    expect(bus.listenerCount).toBe(1);
  });

  it('reports a payload that breaks the contract instead of throwing into the emitter, and sends nothing', () => {
    const errors: Error[] = [];
    const bus = new EventBus({ onInternalError: (e) => errors.push(e) });
    const heard: unknown[] = [];
    bus.subscribe((name, payload) => heard.push({ name, payload }));
    expect(() => bus.emit('app.notice', { ...notice, level: 'fatal' } as never)).not.toThrow();
    expect(() => bus.emit('no.such.event' as never, {} as never)).not.toThrow();
    expect(heard).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Event app\.notice payload breaks the contract.*level/s),
      expect.stringContaining('no.such.event is not in the contract'),
    ]);
  });

  it('without a reporter, a broken payload is still only dropped', () => {
    const bus = new EventBus();
    expect(() => bus.emit('app.notice', { id: 1 } as never)).not.toThrow();
  });

  it('sends only the fields the contract names', () => {
    const bus = new EventBus();
    const heard: unknown[] = [];
    bus.subscribe((_name, payload) => heard.push(payload));
    bus.emit('app.notice', { ...notice, stack: 'at secret.ts:1' } as never);
    expect(heard).toEqual([notice]);
  });

  it('a throwing transport is reported and the others still hear the event', () => {
    const errors: Error[] = [];
    const bus = new EventBus({ onInternalError: (e) => errors.push(e) });
    const heard: string[] = [];
    bus.subscribe(() => {
      throw new Error('window gone');
    });
    bus.subscribe((name) => heard.push(name));
    bus.emit('app.notice', notice);
    expect(heard).toEqual(['app.notice']);
    expect(errors[0]?.message).toContain('window gone');
  });

  it('a reporter that emits (notices → app.notice) cannot loop on a second break', () => {
    let bus: EventBus | null = null;
    const notices = new NoticeLog();
    let reports = 0;
    bus = new EventBus({
      onInternalError: (e) => {
        reports++;
        notices.add('error', 'Kiln could not show an update.', e.message);
        // A reporter whose own event breaks too: dropped, not reported again.
        bus!.emit('app.notice', { bad: true } as never);
      },
    });
    notices.onNotice((n) => bus!.emit('app.notice', n));
    const heard: unknown[] = [];
    bus.subscribe((_n, p) => heard.push(p));
    bus.emit('settings.changed', { nope: 1 } as never);
    expect(reports).toBe(1);
    expect(heard).toHaveLength(1);
    expect(notices.list()[0]).toMatchObject({ level: 'error', details: expect.stringContaining('settings.changed') });
  });
});
