import { create } from 'zustand';

/**
 * Text another part of the app puts into the chat composer for the user to review and send
 * (e.g. the preview's "Fix with the agent"). `nonce` changes on every put, so the same text
 * can be put twice.
 */
export const useComposerPrefill = create<{ text: string; nonce: number; put(text: string): void }>()((set) => ({
  text: '',
  nonce: 0,
  put: (text) => set((s) => ({ text, nonce: s.nonce + 1 })),
}));
