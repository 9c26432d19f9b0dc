import { create } from 'zustand';
import { api } from '../../api/client';

/**
 * Gallery pictures of artifacts as last previewed (PNG data URLs from main), read when a card
 * first shows and again when main says a new one was stored. null = none: the card keeps its icon.
 */
interface ThumbnailState {
  pics: Record<string, string | null>;
  load(slug: string): Promise<void>;
  changed(slug: string): void;
}

export const useThumbnails = create<ThumbnailState>()((set, get) => ({
  pics: {},
  async load(slug) {
    const { png } = await api.call('preview.thumbnail', { slug });
    set((s) => ({ pics: { ...s.pics, [slug]: png } }));
  },
  changed(slug) {
    // Only a card that asked before (it is or was on screen) reads it again.
    if (slug in get().pics) get().load(slug).catch(() => undefined);
  },
}));
