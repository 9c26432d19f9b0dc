import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitThumbnail, MIN_INTERVAL_MS, planCapture, PreviewCapture, toDipRect, type CapturePage, type Rect, type Size } from './page-capture';
import { pngSize, Thumbnails, THUMB_MAX_PIXELS } from './thumbnails';

/** A real (tiny, solid) PNG of the given size: what Electron's `toPNG()` would hand over. */
function solidPng({ width, height }: Size): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5b)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const VIEWPORT = { width: 1280, height: 800 };

describe('planCapture: which part of the window is the thumbnail', () => {
  it('takes the frame as it is on screen', () => {
    expect(planCapture({ rect: { x: 300.4, y: 48, width: 900, height: 700 }, viewport: VIEWPORT, pixelRatio: 1 })).toEqual({ x: 301, y: 48, width: 899, height: 700 });
  });

  it('clips to the viewport and keeps the top of a tall frame, at most twice as tall as wide', () => {
    expect(planCapture({ rect: { x: 1000, y: 0, width: 600, height: 800 }, viewport: VIEWPORT, pixelRatio: 1 })).toEqual({ x: 1000, y: 0, width: 280, height: 560 });
  });

  it('caps the captured device pixels at 4 megapixels on a high-DPI screen', () => {
    const rect = planCapture({ rect: { x: 0, y: 0, width: 1280, height: 800 }, viewport: VIEWPORT, pixelRatio: 2 })!;
    expect(rect.width).toBe(1280);
    expect(rect.width * 2 * rect.height * 2).toBeLessThanOrEqual(THUMB_MAX_PIXELS);
    expect(rect.height).toBe(Math.floor(THUMB_MAX_PIXELS / (1280 * 4)));
  });

  it('takes nothing from a collapsed, scrolled-away or nonsensical frame', () => {
    expect(planCapture({ rect: { x: 0, y: 0, width: 0, height: 500 }, viewport: VIEWPORT, pixelRatio: 1 })).toBeNull();
    expect(planCapture({ rect: { x: 0, y: 900, width: 800, height: 500 }, viewport: VIEWPORT, pixelRatio: 1 })).toBeNull();
    expect(planCapture({ rect: { x: Number.NaN, y: 0, width: 800, height: 500 }, viewport: VIEWPORT, pixelRatio: 1 })).toBeNull();
    expect(planCapture({ rect: { x: 0, y: 0, width: 800, height: 500 }, viewport: VIEWPORT, pixelRatio: 0 })).toBeNull();
  });
});

describe('toDipRect and fitThumbnail: the size maths', () => {
  it('turns the page CSS pixels into window DIPs under page zoom', () => {
    expect(toDipRect({ x: 100, y: 40, width: 400, height: 300 }, 1)).toEqual({ x: 100, y: 40, width: 400, height: 300 });
    expect(toDipRect({ x: 100, y: 40, width: 400, height: 300 }, 1.25)).toEqual({ x: 125, y: 50, width: 500, height: 375 });
    expect(toDipRect({ x: 10, y: 10, width: 10, height: 10 }, Number.NaN)).toEqual({ x: 10, y: 10, width: 10, height: 10 });
  });

  it('scales to at most 640 px wide and 4 megapixels, keeping the aspect', () => {
    expect(fitThumbnail({ width: 1798, height: 1400 })).toEqual({ width: 640, height: 498 });
    expect(fitThumbnail({ width: 320, height: 200 })).toEqual({ width: 320, height: 200 });
    const tall = fitThumbnail({ width: 640, height: 20_000 })!;
    expect(tall.width * tall.height).toBeLessThanOrEqual(THUMB_MAX_PIXELS);
    expect(tall.height / tall.width).toBeCloseTo(20_000 / 640, 0);
    expect(fitThumbnail({ width: 0, height: 0 })).toBeNull();
    expect(fitThumbnail({ width: Number.NaN, height: 10 })).toBeNull();
  });
});

describe('PreviewCapture: the runtime capture, stored through the one thumbnail path', () => {
  let ws: string;
  let thumbnails: Thumbnails;
  let clock: number;
  const file = (): string => path.join(ws, '.kiln', 'thumbnails', 'a1b2c3.png');
  const request = { rect: { x: 0, y: 40, width: 1280, height: 760 }, viewport: VIEWPORT, pixelRatio: 1.5 };

  beforeEach(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-capture-'));
    thumbnails = new Thumbnails({ workspaceDir: () => ws, idOf: async () => 'a1b2c3' });
    clock = 1_000_000;
  });
  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  /** Stands in for Electron's capturePage (no Electron binary here): a picture at the screen's pixel ratio. */
  const window = (ratio: number, asked: Rect[] = []): CapturePage => async (rect) => {
    asked.push(rect);
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    return { width, height, png: (size) => solidPng(size) };
  };

  it('captures the visible frame, downscales it and stores a PNG ≤ 640 px wide under .kiln/thumbnails', async () => {
    const asked: Rect[] = [];
    const capture = new PreviewCapture({ capture: window(1.5, asked), thumbnails, now: () => clock });
    expect(await capture.capture('report', request)).toEqual({ outcome: 'saved' });
    expect(asked).toEqual([{ x: 0, y: 40, width: 1280, height: 760 }]);
    const size = pngSize(await fs.readFile(file()));
    expect(size).toEqual({ width: 640, height: 380 });
  });

  it('falls back to the in-page path without a runtime capture (web host), on an empty picture, or when it throws', async () => {
    expect((await new PreviewCapture({ thumbnails }).capture('report', request)).outcome).toBe('fallback');
    const empty = new PreviewCapture({ capture: async () => null, thumbnails });
    expect((await empty.capture('report', request)).outcome).toBe('fallback');
    const zero = new PreviewCapture({ capture: async () => ({ width: 0, height: 0, png: () => Buffer.alloc(0) }), thumbnails });
    expect((await zero.capture('report', request)).outcome).toBe('fallback');
    const broken = new PreviewCapture({ capture: async () => Promise.reject(new Error('GPU process gone')), thumbnails });
    expect(await broken.capture('report', request)).toEqual({ outcome: 'fallback', reason: 'The page capture failed: GPU process gone' });
    await expect(fs.stat(file())).rejects.toThrow();
  });

  it('falls back when the runtime hands over something that is not a PNG within the caps (the store checks it)', async () => {
    const notPng = new PreviewCapture({ capture: async () => ({ width: 100, height: 100, png: () => Buffer.from('GIF89a not a png') }), thumbnails });
    expect((await notPng.capture('report', request)).outcome).toBe('fallback');
    const tooWide = new PreviewCapture({ capture: async () => ({ width: 100, height: 100, png: () => solidPng({ width: 900, height: 10 }) }), thumbnails });
    expect((await tooWide.capture('report', request)).outcome).toBe('fallback');
    await expect(fs.stat(file())).rejects.toThrow();
  });

  it('skips a hidden frame and a second capture of the same artifact within a second, without calling the window', async () => {
    const asked: Rect[] = [];
    const capture = new PreviewCapture({ capture: window(1, asked), thumbnails, now: () => clock });
    expect((await capture.capture('report', { ...request, rect: { x: 0, y: 0, width: 0, height: 0 } })).outcome).toBe('skipped');
    expect((await capture.capture('report', request)).outcome).toBe('saved');
    clock += MIN_INTERVAL_MS - 1;
    expect((await capture.capture('report', request)).outcome).toBe('skipped');
    expect((await capture.capture('other', request)).outcome).toBe('saved');
    clock += 1;
    expect((await capture.capture('report', request)).outcome).toBe('saved');
    expect(asked).toHaveLength(3);
  });
});
