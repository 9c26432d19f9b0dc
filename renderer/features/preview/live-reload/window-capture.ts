import { api } from '../../../api/client';

/**
 * Asks main to take the frame's thumbnail with the window's own page capture (the desktop app:
 * nothing runs inside the previewed page). Resolves true when the pane should ask the page's
 * client for an html-to-image picture instead: the web host has no page capture, or it failed
 * or gave an empty picture.
 */
export async function captureByWindow(slug: string, frame: HTMLIFrameElement): Promise<boolean> {
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
