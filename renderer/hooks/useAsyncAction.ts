import { useCallback, useEffect, useRef, useState } from 'react';
import type { KilnError } from '../../shared/contract/core';
import { toKilnError } from '../api/client';

export interface AsyncAction<A extends unknown[], R> {
  /** True while a run is in flight (any of them, when runs overlap). */
  readonly busy: boolean;
  /** The last run's failure; cleared when the next run starts. */
  readonly error: KilnError | null;
  /** Runs the action; resolves to its result, or to undefined when it failed (the failure is in `error`). */
  run(...args: A): Promise<R | undefined>;
  clearError(): void;
}

export interface AsyncActionOptions {
  /** Also told about a failure (e.g. to show a toast); `error` is set either way. */
  onError?(error: KilnError): void;
}

/**
 * busy / error / run for one user action, so a component doesn't hand-write
 * setBusy(true) … catch … finally setBusy(false). The latest `action` and `onError` are used,
 * `run` keeps its identity, and nothing is set after the component is gone.
 */
export function useAsyncAction<A extends unknown[], R>(action: (...args: A) => Promise<R>, options: AsyncActionOptions = {}): AsyncAction<A, R> {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<KilnError | null>(null);
  const latest = useRef({ action, options });
  latest.current = { action, options };
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setRunning((n) => n + 1);
    setError(null);
    try {
      return await latest.current.action(...args);
    } catch (e) {
      const err = toKilnError(e);
      if (mounted.current) setError(err);
      latest.current.options.onError?.(err);
      return undefined;
    } finally {
      if (mounted.current) setRunning((n) => n - 1);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);

  return { busy: running > 0, error, run, clearError };
}
