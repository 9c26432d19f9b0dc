import { validateExternalUrl } from './open-external';

/**
 * What Electron's window-open handler does with a `window.open` / `target=_blank` from the Kiln
 * window or any frame in it: never a new Electron window; an http(s) URL goes to the OS browser
 * when the open limiter agrees, anything else is dropped as a pop-up blocker would. Electron
 * tells the handler nothing about a user gesture (electron/electron#9973), so the gesture rule
 * for previewed artifacts lives in the pane (`renderer/features/preview/live-reload/frame-open.ts`);
 * artifact frames can't reach this handler at all (their sandbox has no `allow-popups`).
 * Returns the URL to open, or null.
 */
export function windowOpenDecision(url: string, allow: () => boolean): string | null {
  let safe: string;
  try {
    safe = validateExternalUrl(url);
  } catch {
    return null;
  }
  return allow() ? safe : null;
}
