import { randomUUID } from 'node:crypto';
import type { Notice } from '../../../shared/contract/app';

/** Background problems the user should hear about (toasts) and diagnostics can list. */
export class NoticeLog {
  private readonly items: Notice[] = [];
  private readonly listeners = new Set<(n: Notice) => void>();

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
    for (const listener of this.listeners) listener(notice);
    return notice;
  }

  list(): Notice[] {
    return [...this.items];
  }

  onNotice(listener: (n: Notice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
