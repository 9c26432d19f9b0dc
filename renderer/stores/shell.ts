import { create } from 'zustand';

export type View = 'chat' | 'gallery' | 'settings' | 'about';

export interface Toast {
  id: number;
  level: 'info' | 'warning' | 'error' | 'success';
  message: string;
  details?: string | undefined;
}

interface ShellState {
  view: View;
  setView(view: View): void;
  /** The artifact shown in the preview pane. */
  preview: { slug: string } | null;
  openPreview(slug: string): void;
  closePreview(): void;
  /** Whether the preview pane is visible (toggle with a shortcut). */
  previewVisible: boolean;
  togglePreview(): void;
  publishSheet: { slug: string } | null;
  openPublishSheet(slug: string): void;
  closePublishSheet(): void;
  toasts: Toast[];
  notify(toast: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
  /** The settings section to show next time Settings opens (links from elsewhere in the app). */
  settingsSection: string | null;
  openSettingsSection(id: string): void;
  /** A control a shortcut wants focused once its view is on screen; the view clears it. */
  pendingFocus: 'gallery-search' | 'composer' | null;
  requestFocus(target: 'gallery-search' | 'composer'): void;
  clearFocus(): void;
  /** Set when the connection to main drops (web host stopped or restarted). */
  connected: boolean;
  setConnected(connected: boolean): void;
}

let nextToastId = 1;

export const useShell = create<ShellState>()((set) => ({
  view: 'chat',
  setView: (view) => set({ view }),
  preview: null,
  openPreview: (slug) => set({ preview: { slug }, previewVisible: true }),
  closePreview: () => set({ preview: null }),
  previewVisible: true,
  togglePreview: () => set((s) => ({ previewVisible: !s.previewVisible })),
  publishSheet: null,
  openPublishSheet: (slug) => set({ publishSheet: { slug } }),
  closePublishSheet: () => set({ publishSheet: null }),
  toasts: [],
  notify: (toast) =>
    set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id: nextToastId++ }] })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  settingsSection: null,
  openSettingsSection: (id) => set({ settingsSection: id, view: 'settings' }),
  pendingFocus: null,
  requestFocus: (target) => set({ pendingFocus: target, view: target === 'composer' ? 'chat' : 'gallery' }),
  clearFocus: () => set({ pendingFocus: null }),
  connected: true,
  setConnected: (connected) => set({ connected }),
}));
