import { randomUUID } from 'node:crypto';
import type { Notice } from '../../../shared/contract/app';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';

/** Background problems the user should hear about (toasts) and diagnostics can list. */
export class NoticeLog {
  private readonly items: Notice[] = [];
  private readonly added = new Emitter<Notice>();

  constructor(
    private readonly scrub: (text: string) => string = (t) => t,
    private readonly limit = 100,
  ) {}

  add(level: Notice['level'], message: string, details?: string): Notice {
    const notice: Notice = {
      id: randomUUID(),
      level,
      message: this.scrub(message),
      at: new Date().toISOString(),
      ...(details !== undefined ? { details: this.scrub(details) } : {}),
    };
    this.items.push(notice);
    if (this.items.length > this.limit) this.items.shift();
    this.added.fire(notice);
    return notice;
  }

  list(): Notice[] {
    return [...this.items];
  }

  onNotice(listener: (n: Notice) => void): Disposable {
    return this.added.on(listener);
  }

  /** 0 once every subscriber has been disposed (checked after shutdown). */
  get listenerCount(): number {
    return this.added.size;
  }
}
