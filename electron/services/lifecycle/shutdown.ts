/**
 * Every service that owns a resource (a process, a watcher, a server) registers a hook
 * here; the entry file runs them all once on quit, newest first, each with a time limit.
 */
export type ShutdownHook = () => Promise<void> | void;

export class ShutdownRegistry {
  private readonly hooks: { name: string; run: ShutdownHook }[] = [];
  private running: Promise<string[]> | null = null;

  register(name: string, run: ShutdownHook): () => void {
    const entry = { name, run };
    this.hooks.push(entry);
    return () => {
      const i = this.hooks.indexOf(entry);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Runs each hook once (later calls share the first run). Returns the names that failed. */
  runAll(timeoutMs = 5000): Promise<string[]> {
    if (this.running) return this.running;
    this.running = (async () => {
      const failed: string[] = [];
      for (const hook of [...this.hooks].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(hook.run),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
            }),
          ]);
        } catch {
          failed.push(hook.name);
        } finally {
          if (timer) clearTimeout(timer);
        }
      }
      return failed;
    })();
    return this.running;
  }
}
