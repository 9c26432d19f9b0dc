import { z } from 'zod';
import { slugSchema } from '../artifacts/rules';
import { defineEndpoint, defineEvent } from './core';

/** A thumbnail as the previewed page produced it: a PNG data URL (checked again in main). */
const MAX_THUMB_CHARS = 4_300_000;
/** A frame's box in the app page's CSS pixels (finite, within any real screen). */
const coord = z.number().min(-100_000).max(100_000);
const length = z.number().min(0).max(100_000);

export const previewEndpoints = {
  /**
   * The preview address of an artifact: its own origin on Kiln's loopback preview proxy
   * (`http://<label>.localhost:<port>/`). The UI only ever embeds this address.
   */
  'preview.open': defineEndpoint('preview.open', {
    input: z.object({ slug: slugSchema }).strict(),
    output: z.object({ url: z.string() }),
  }),
  /** Whether the preview follows edits by itself (reload, backend restart); on unless turned off. */
  'preview.liveReload': defineEndpoint('preview.liveReload', {
    input: z.object({ slug: slugSchema }).strict(),
    output: z.object({ on: z.boolean() }),
  }),
  /** Turns live reload on or off for one artifact (remembered in the workspace). */
  'preview.setLiveReload': defineEndpoint('preview.setLiveReload', {
    input: z.object({ slug: slugSchema, on: z.boolean() }).strict(),
    output: z.object({ on: z.boolean() }),
  }),
  /** Stores the picture of a previewed page for its gallery card (PNG, ≤ 640 px wide, ≤ 4 MP). */
  'preview.saveThumbnail': defineEndpoint('preview.saveThumbnail', {
    input: z.object({ slug: slugSchema, png: z.string().max(MAX_THUMB_CHARS) }).strict(),
    output: z.object({ updatedAt: z.string() }),
  }),
  /**
   * Desktop app: main takes the thumbnail itself with the window's page capture, from where the
   * pane says the frame is. `fallback` (the web host, or the capture failed or was empty): the
   * pane asks the page's client for an html-to-image picture instead; `skipped`: nothing now.
   */
  'preview.captureThumbnail': defineEndpoint('preview.captureThumbnail', {
    input: z
      .object({
        slug: slugSchema,
        rect: z.object({ x: coord, y: coord, width: length, height: length }).strict(),
        viewport: z.object({ width: length, height: length }).strict(),
        pixelRatio: z.number().min(0.25).max(8),
      })
      .strict(),
    output: z.object({ outcome: z.enum(['saved', 'fallback', 'skipped']), reason: z.string().optional() }),
  }),
  /** The stored picture (a PNG data URL), or null: the card then shows the type icon. */
  'preview.thumbnail': defineEndpoint('preview.thumbnail', {
    input: z.object({ slug: slugSchema }).strict(),
    output: z.object({ png: z.string().nullable(), updatedAt: z.string().nullable() }),
  }),
};

export const previewEvents = {
  /** A new thumbnail was stored for the artifact: its gallery card reads it again. */
  'preview.thumbnailChanged': defineEvent('preview.thumbnailChanged', z.object({ slug: z.string() })),
};
