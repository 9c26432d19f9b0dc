import { z } from 'zod';
import { defineEndpoint } from './core';

/**
 * Slugs arrive from the renderer and from artifact folders, so they are checked at the
 * boundary: the characters anton's slug rule produces, never a path.
 */
export const slugSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'must contain only letters, digits, ".", "_" and "-"')
  .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."');

export const previewEndpoints = {
  /**
   * The preview address of an artifact: its own origin on Kiln's loopback preview proxy
   * (`http://<label>.localhost:<port>/`). The UI only ever embeds this address.
   */
  'preview.open': defineEndpoint('preview.open', {
    input: z.object({ slug: slugSchema }).strict(),
    output: z.object({ url: z.string() }),
  }),
};

export const previewEvents = {};
