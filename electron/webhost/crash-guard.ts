/**
 * The web host's last line of defence: an exception that escaped a handler, a transport or a
 * watcher callback is reported (stderr and a notice the user sees) and the host keeps serving,
 * instead of dying and leaving its backends without a supervisor. Each layer still handles its
 * own errors first (the router, the WebSocket transport, every server socket); this only
 * catches what they missed.
 */
export interface CrashGuardOptions {
  /** A scrubbed one-line report (stderr in the web host). */
  log: (line: string) => void;
  /** Shown to the user (the notices service). */
  notify?: (message: string, details?: string) => void;
  /** Secrets out of messages before they are written anywhere. */
  scrub: (text: string) => string;
  target?: NodeJS.EventEmitter;
}

export function installCrashGuard(o: CrashGuardOptions): () => void {
  const target = o.target ?? process;
  const report = (kind: string, error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    const message = o.scrub(err.message || err.name);
    o.log(`[kiln] ${kind} kept from stopping the host: ${message}`);
    if (err.stack) o.log(o.scrub(err.stack));
    try {
      o.notify?.(`Kiln caught an unexpected error and kept running: ${message}`, o.scrub(err.stack ?? ''));
    } catch {
      // Reporting must never throw back into the guard.
    }
  };
  const onException = (error: unknown): void => report('An uncaught exception was', error);
  const onRejection = (reason: unknown): void => report('An unhandled promise rejection was', reason);
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
