import type { Readable } from 'node:stream';
import { probeHttp, tcpOpen } from './readiness';

/**
 * How often a starting backend's port is tried. A refused loopback connect costs well under a
 * millisecond, so a young process is tried every 5 ms (a 20 ms poll alone cost ~10 ms on
 * average of every live restart); one still starting after 2 s (heavy imports, a database) is
 * tried every 20 ms.
 */
export const FAST_POLL_MS = 5;
export const SLOW_POLL_MS = 20;
export const FAST_WINDOW_MS = 2000;

export function pollDelay(elapsedMs: number): number {
  return elapsedMs < FAST_WINDOW_MS ? FAST_POLL_MS : SLOW_POLL_MS;
}

export interface ReadyWait {
  port: number;
  timeoutMs: number;
  /** True once the process has exited (checked before and after every attempt). */
  exited(): boolean;
  /** Settles when the process exits, which ends the wait at once. */
  exit?: Promise<unknown>;
  /**
   * The process's output. Servers print when they listen (uvicorn's "Uvicorn running on …",
   * http.server apps' "serving on …"), so any output triggers an attempt at once instead of at
   * the next tick of the poll.
   */
  output?: readonly (Readable | null | undefined)[];
}

export type ReadyOutcome = 'ready' | 'exited' | 'timeout';

/**
 * Waits until a freshly spawned backend answers on its port: a TCP connect, then the HTTP
 * check of `probeHttp` (`/api/health`, else `/`; a port that accepts but speaks no HTTP counts
 * as ready, the last resort) — the same rule as `probeOnce`, tried sooner.
 */
export async function waitUntilReady(o: ReadyWait): Promise<ReadyOutcome> {
  const start = Date.now();
  let wake: (() => void) | null = null;
  const poke = (): void => wake?.();
  const streams = (o.output ?? []).filter((s): s is Readable => !!s);
  for (const s of streams) s.on('data', poke);
  o.exit?.then(poke, poke);
  try {
    for (;;) {
      if (o.exited()) return 'exited';
      if (await tcpOpen('127.0.0.1', o.port)) {
        await probeHttp(o.port);
        return o.exited() ? 'exited' : 'ready';
      }
      const elapsed = Date.now() - start;
      if (elapsed >= o.timeoutMs) return 'timeout';
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollDelay(elapsed), o.timeoutMs - elapsed));
        wake = done;
      });
    }
  } finally {
    for (const s of streams) s.off('data', poke);
  }
}
