import { createOpenLimiter } from '../../../../shared/lib/open-limit';
import { api, errorMessage } from '../../../api/client';
import { useShell } from '../../../stores/shell';

/** What the pane knows, from outside the page, when a previewed page asks to open a URL. */
export interface FrameOpenContext {
  /**
   * The Kiln window has transient user activation (`navigator.userActivation.isActive`). A click
   * in a frame activates its ancestors too (HTML's activation notification), and only real input
   * does that: the page's own `navigator.userActivation` or synthetic events can't set it.
   */
  activated: boolean;
  /** Focus is in that frame (`document.activeElement` is its iframe): the click was there, not in Kiln's own UI. */
  frameFocused: boolean;
}

export type FrameOpenVerdict = { open: string } | { refused: 'not-http' | 'no-gesture' | 'rate-limited' };

/**
 * The rule for pop-ups from previewed artifacts, pure: only http(s) URLs without credentials,
 * only right after a click in that frame, and no more often than the open limiter allows.
 */
export function createFrameOpenRule(allow: () => boolean = createOpenLimiter()): (url: string, ctx: FrameOpenContext) => FrameOpenVerdict {
  return (raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { refused: 'not-http' };
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return { refused: 'not-http' };
    if (!ctx.activated || !ctx.frameFocused) return { refused: 'no-gesture' };
    // Checked last, so refused asks don't use up the user's allowance.
    if (!allow()) return { refused: 'rate-limited' };
    return { open: url.href };
  };
}

/** One rule (and one limiter) for every preview frame in the window. */
const rule = createFrameOpenRule();

/** Opens what a preview frame asked for in the OS browser, when the rule allows it; else nothing, like a pop-up blocker. */
export function openFromFrame(url: string, frame: HTMLIFrameElement | null): void {
  const verdict = rule(url, {
    activated: navigator.userActivation?.isActive === true,
    frameFocused: frame !== null && document.activeElement === frame,
  });
  if (!('open' in verdict)) return;
  api.call('app.openExternal', { url: verdict.open }).catch((e: unknown) => useShell.getState().notify({ level: 'error', message: errorMessage(e) }));
}
