/**
 * Sandbox for artifact frames. The frame's origin already differs from the app's, so scripts,
 * forms and its own storage are safe; the sandbox also takes away top-level navigation (a page
 * can't replace Kiln), plugins and pop-ups: a page can't open a window or tab by itself. Its
 * `window.open` and `target=_blank` links are forwarded by the preview client script to the pane,
 * which opens them in the OS browser only right after a click in the frame, and rate-limited
 * (`live-reload/frame-open.ts`).
 */
export const ARTIFACT_FRAME_SANDBOX = 'allow-scripts allow-forms allow-same-origin allow-modals allow-downloads';
