/**
 * Runs independent steps side by side but reports like the series they replace: waits for all
 * of them, then throws the error of the *first* failing step in argument order (not the one that
 * failed first in time), so a launch says the same thing it said when the steps ran one by one.
 * Every rejection is observed, so none is left unhandled.
 */
export async function allInOrder<T extends readonly unknown[]>(steps: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(steps as readonly Promise<unknown>[]);
  const values: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    values.push(s.value);
  }
  return values as unknown as T;
}

/**
 * Starts a step now and returns it for a later `await`; a rejection is only seen there (or
 * never, when an earlier step threw first), so it must not count as unhandled meanwhile.
 */
export function early<T>(start: () => Promise<T> | T): Promise<T> {
  const p = Promise.resolve().then(start);
  p.catch(() => undefined);
  return p;
}
