/**
 * Start-up work that makes Kiln faster or tidier but that no request needs to have finished:
 * the artifacts watcher's native walk, the crash tidy-up of the artifacts folder, checking the
 * chat logs for interrupted answers, the deploy reconcile. The host says "running" first (it can
 * answer every contract call without these: lists read the disk until the watcher is up), then
 * `begin()` runs them one after another, so they don't compete with the first requests for the
 * two cores and libuv's four file-system threads (bench/startup.ts, docs/reliability.md).
 *
 * With `deferred: false` (tests, benchmarks, any caller that never says it is up) a task runs
 * as soon as it is added, exactly as if there were no queue.
 */
export type StartupTask = () => Promise<unknown> | void;

export class AfterStart {
  private readonly queue: { name: string; run: StartupTask }[] = [];
  private started: boolean;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    options: { deferred: boolean },
    /** Told of a task that failed (the work is best-effort; the caller decides how loud). */
    private readonly onError: (name: string, error: unknown) => void = () => undefined,
  ) {
    this.started = !options.deferred;
  }

  /**
   * Runs `run` once the host is up (at once when it already is, or when nothing is deferred);
   * `first` puts it before the work queued so far (what the first screen needs).
   */
  later(name: string, run: StartupTask, options: { first?: boolean } = {}): void {
    if (this.started) this.enqueue(name, run);
    else if (options.first) this.queue.unshift({ name, run });
    else this.queue.push({ name, run });
  }

  /** The host answers requests: run the queued work, in the order it was added. Idempotent. */
  begin(): void {
    if (this.started) return;
    this.started = true;
    for (const task of this.queue.splice(0)) this.enqueue(task.name, task.run);
  }

  /** Resolves when every task started so far has settled (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Quit: what hasn't started never will, and the task under way is waited for, so the
   * shutdown hooks after this one (the watcher's) see what it started. Registered last, so it
   * runs first.
   */
  stop(): Promise<void> {
    this.stopped = true;
    this.started = true;
    this.queue.length = 0;
    return this.chain;
  }

  private enqueue(name: string, run: StartupTask): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await run();
      } catch (error) {
        this.onError(name, error);
      }
    });
  }
}
