import { api } from '../../../api/client';

/**
 * Asks main to take the frame's thumbnail with the window's own page capture (the desktop app:
 * nothing runs inside the previewed page). Resolves true when the pane should ask the page's
 * client for an html-to-image picture instead: the web host has no page capture, or it failed
 * or gave an empty picture.
 */
export async function captureByWindow(slug: string, frame: HTMLIFrameElement): Promise<boolean> {
  // The window capture copies what is drawn: with a dialog, sheet or toast over the frame it
  // would store Kiln's own UI as the artifact's picture. The page's own capture can't see those.
  if (covered(frame)) return true;
  const r = frame.getBoundingClientRect();
  try {
    const { outcome } = await api.call('preview.captureThumbnail', {
      slug,
      rect: { x: r.x, y: r.y, width: r.width, height: r.height },
      viewport: { width: window.innerWidth, height: window.innerHeight },
      pixelRatio: Math.min(8, Math.max(0.25, window.devicePixelRatio || 1)),
    });
    return outcome === 'fallback';
  } catch {
    return true;
  }
}

/** True when the window is hidden or something else is drawn over the frame's centre or corners. */
export function covered(frame: HTMLIFrameElement): boolean {
  if (document.visibilityState !== 'visible') return true;
  if (document.querySelector('[role="dialog"], [role="alertdialog"], [aria-modal="true"]')) return true;
  const r = frame.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return true;
  const inset = 4;
  const points: [number, number][] = [
    [r.left + r.width / 2, r.top + r.height / 2],
    [r.left + inset, r.top + inset],
    [r.right - inset, r.top + inset],
    [r.left + inset, r.bottom - inset],
    [r.right - inset, r.bottom - inset],
  ];
  return points.some(([x, y]) => {
    const hit = typeof document.elementFromPoint === 'function' ? document.elementFromPoint(x, y) : null;
    return hit !== null && hit !== frame;
  });
}
