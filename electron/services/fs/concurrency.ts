/**
 * A limiter: at most `n` of the tasks handed to it run at a time, the rest start in the order
 * they came. For start-up reads of thousands of small files (gallery records, conversation
 * logs): libuv has four file-system threads, so more in flight is no faster — it only keeps
 * more open files, buffers and parsed objects alive together, and the heap V8 and malloc grow
 * for that peak stays with the process (bench/startup.ts: ~50 MB at 2,000 artifacts).
 */
export function concurrency(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
