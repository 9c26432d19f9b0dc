import { z } from 'zod';
import { slugSchema } from '../artifacts/rules';
import { defineEndpoint } from './core';

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
