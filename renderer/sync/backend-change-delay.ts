import type { ArtifactChange } from '../../shared/contract/artifacts';
import { isBackendFile } from '../../shared/preview/live-files';

/**
 * How long the UI waits before it reacts to a change of backend code only. Such a write starts
 * a live restart (Python starting, then the frame reloading) on the same two cores the renderer
 * runs on; the gallery, preview and publish stores re-reading the artifact right then cost that
 * restart ~30 ms (bench/live-preview.ts). Nothing on screen shows backend code at once anyway.
 */
export const BACKEND_CHANGE_DELAY_MS = 250;

/** A change that touches only backend code (`*.py` outside `static/`, `requirements.txt`). */
export function isBackendOnly(c: ArtifactChange): boolean {
  return c.kind === 'files' && !!c.paths && c.paths.length > 0 && c.paths.every(isBackendFile);
}

/**
 * Holds backend-only changes back for `delayMs` (a burst is applied once, after the last one)
 * and passes every other change at once. Order is kept: before anything else is applied, what
 * is held goes first, so a later change to an artifact always wins over an earlier one.
 */
export function delayBackendChanges(apply: (changes: ArtifactChange[]) => void, delayMs = BACKEND_CHANGE_DELAY_MS): {
  push(changes: readonly ArtifactChange[]): void;
  flush(): void;
  dispose(): void;
} {
  let held: ArtifactChange[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (held.length === 0) return;
    const out = held;
    held = [];
    apply(out);
  };
  return {
    push(changes) {
      if (changes.length > 0 && changes.every(isBackendOnly)) {
        held.push(...changes);
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, delayMs);
        return;
      }
      flush();
      apply([...changes]);
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      held = [];
    },
  };
}
