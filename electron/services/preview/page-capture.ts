import { THUMB_MAX_BYTES, THUMB_MAX_PIXELS, THUMB_MAX_WIDTH, type Thumbnails } from './thumbnails';

/**
 * Thumbnails taken by the runtime's own page capture (Electron's `webContents.capturePage`)
 * instead of html-to-image inside the page: what to capture, how big, and when to fall back to
 * the in-page path. Pure: the Electron call is a thin adapter (electron/platform/page-capture.ts)
 * behind `PlatformPort.capturePage`; the web host has none and keeps the in-page path.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Size {
  width: number;
  height: number;
}

/** A captured picture, still in the runtime's hands (a `NativeImage` in Electron). */
export interface PageCapture {
  /** Its size in device pixels. */
  readonly width: number;
  readonly height: number;
  /** PNG bytes of the picture scaled to `size` (device pixels). */
  png(size: Size): Buffer;
}

/** Captures a rectangle of the app window, given in the app page's CSS pixels; null when it gave nothing. */
export type CapturePage = (cssRect: Rect) => Promise<PageCapture | null>;

/** What the pane sends: where the preview frame is and how the window is drawn. */
export interface CaptureRequest {
  /** The frame's box in the app page's CSS pixels (its getBoundingClientRect). */
  rect: Rect;
  /** The app page's viewport (innerWidth/innerHeight), CSS pixels. */
  viewport: Size;
  /** CSS pixel → device pixels (window.devicePixelRatio: screen scale × zoom). */
  pixelRatio: number;
}

/** Smaller than this (CSS px) is not worth a picture: a collapsed or hidden pane. */
export const MIN_SIDE = 16;
/** The top of the page, at most twice as tall as wide (as the in-page path takes it). */
export const MAX_ASPECT = 2;
/** One capture per artifact per this many ms; the pane already waits for a load to settle. */
export const MIN_INTERVAL_MS = 1000;

/**
 * The part of the frame to capture, in CSS pixels: the frame clipped to the viewport, from its
 * top, at most twice as tall as wide and at most THUMB_MAX_PIXELS device pixels. Null when
 * nothing sensible is visible (collapsed, scrolled away, bad numbers).
 */
export function planCapture(req: CaptureRequest): Rect | null {
  const { rect, viewport, pixelRatio } = req;
  const nums = [rect.x, rect.y, rect.width, rect.height, viewport.width, viewport.height, pixelRatio];
  if (!nums.every(Number.isFinite) || pixelRatio <= 0) return null;
  const left = Math.max(0, Math.ceil(rect.x));
  const top = Math.max(0, Math.ceil(rect.y));
  const right = Math.min(Math.floor(viewport.width), Math.floor(rect.x + rect.width));
  const bottom = Math.min(Math.floor(viewport.height), Math.floor(rect.y + rect.height));
  const width = right - left;
  let height = bottom - top;
  if (width < MIN_SIDE || height < MIN_SIDE) return null;
  height = Math.min(height, width * MAX_ASPECT);
  const devicePixels = width * pixelRatio * height * pixelRatio;
  if (devicePixels > THUMB_MAX_PIXELS) height = Math.floor(THUMB_MAX_PIXELS / (width * pixelRatio * pixelRatio));
  if (height < MIN_SIDE) return null;
  return { x: left, y: top, width, height };
}

/** CSS pixels of the app page → the window's DIPs that `capturePage` takes (the page zoom). */
export function toDipRect(css: Rect, zoom: number): Rect {
  const z = Number.isFinite(zoom) && zoom > 0 ? zoom : 1;
  const x = Math.round(css.x * z);
  const y = Math.round(css.y * z);
  return { x, y, width: Math.max(1, Math.round((css.x + css.width) * z) - x), height: Math.max(1, Math.round((css.y + css.height) * z) - y) };
}

/** The stored size for a captured picture: ≤ 640 px wide and ≤ 4 MP, aspect kept; null for an empty one. */
export function fitThumbnail(size: Size): Size | null {
  if (!(size.width >= 1 && size.height >= 1) || !Number.isFinite(size.width * size.height)) return null;
  let scale = Math.min(1, THUMB_MAX_WIDTH / size.width);
  if (size.width * size.height * scale * scale > THUMB_MAX_PIXELS) scale = Math.sqrt(THUMB_MAX_PIXELS / (size.width * size.height));
  return { width: Math.max(1, Math.floor(size.width * scale)), height: Math.max(1, Math.floor(size.height * scale)) };
}

/**
 * - `saved`: the runtime captured the frame and the picture was stored;
 * - `fallback`: no runtime capture here (web host), or it failed or gave an empty or
 *   oversized picture: the pane asks the page's own client (html-to-image) instead;
 * - `skipped`: nothing to take now (the frame is not visible, or a capture just ran).
 */
export type CaptureOutcome = { outcome: 'saved' | 'fallback' | 'skipped'; reason?: string };

export interface PreviewCaptureOptions {
  /** The runtime's capture; absent where there is none (the web host). */
  capture?: CapturePage;
  /** The one storage path (and its PNG checks) for every thumbnail, however it was taken. */
  thumbnails: Pick<Thumbnails, 'save'>;
  now?: () => number;
}

export class PreviewCapture {
  private readonly last = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: PreviewCaptureOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Captures the artifact's frame and stores the picture. Never throws: a failure means "fall back". */
  async capture(slug: string, req: CaptureRequest): Promise<CaptureOutcome> {
    if (!this.o.capture) return { outcome: 'fallback', reason: 'This runtime has no page capture.' };
    const rect = planCapture(req);
    if (!rect) return { outcome: 'skipped', reason: 'The preview is not visible.' };
    const at = this.now();
    if (at - (this.last.get(slug) ?? -Infinity) < MIN_INTERVAL_MS) return { outcome: 'skipped', reason: 'A capture just ran.' };
    this.last.set(slug, at);
    let png: Buffer;
    try {
      const picture = await this.o.capture(rect);
      const size = picture ? fitThumbnail({ width: picture.width, height: picture.height }) : null;
      if (!picture || !size) return { outcome: 'fallback', reason: 'The window gave an empty picture.' };
      png = picture.png(size);
    } catch (e) {
      return { outcome: 'fallback', reason: `The page capture failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (png.length === 0 || png.length > THUMB_MAX_BYTES) return { outcome: 'fallback', reason: 'The captured picture was empty or too large.' };
    try {
      await this.o.thumbnails.save(slug, `data:image/png;base64,${png.toString('base64')}`);
      return { outcome: 'saved' };
    } catch (e) {
      return { outcome: 'fallback', reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
