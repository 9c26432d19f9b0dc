/**
 * How often a page may send the user to the OS browser (`window.open` from a previewed
 * artifact, a link in a frame): at most one open per `gapMs` and `perMinute` a minute, so a
 * hostile page cannot flood the desktop with browser tabs. Pure: Electron's window-open handler
 * (`electron/platform/window.ts`) and the preview pane's frame opener (`frame-open.ts`) each hold one.
 */
export function createOpenLimiter(opts: { gapMs?: number; perMinute?: number; now?: () => number } = {}): () => boolean {
  const gap = opts.gapMs ?? 1000;
  const perMinute = opts.perMinute ?? 5;
  const now = opts.now ?? Date.now;
  const recent: number[] = [];
  return () => {
    const t = now();
    while (recent.length > 0 && t - recent[0]! >= 60_000) recent.shift();
    const last = recent.at(-1);
    if ((last !== undefined && t - last < gap) || recent.length >= perMinute) return false;
    recent.push(t);
    return true;
  };
}
