import type { BrowserWindow } from 'electron';
import { toDipRect, type CapturePage } from '../services/preview/page-capture';

/**
 * Electron's page capture for gallery thumbnails — the thin adapter only: which rectangle, how
 * big and when to fall back are decided in electron/services/preview/page-capture.ts (unit
 * tested). `capturePage` copies the composited window, so the cross-site preview frame is in
 * the picture without running anything inside the previewed page.
 */
export function electronCapturePage(window: () => BrowserWindow | null): CapturePage {
  return async (cssRect) => {
    const win = window();
    if (!win || win.isDestroyed()) return null;
    const contents = win.webContents;
    const image = await contents.capturePage(toDipRect(cssRect, contents.getZoomFactor()));
    if (image.isEmpty()) return null; // a hidden or minimized window gives nothing
    const { width, height } = image.getSize();
    // Always resized: a fresh bitmap of exactly that size, whatever the display's scale factor.
    return { width, height, png: (size) => image.resize({ width: size.width, height: size.height, quality: 'good' }).toPNG() };
  };
}
