/**
 * Sandbox for artifact frames. The frame's origin already differs from the app's, so scripts,
 * forms and its own storage are safe; the sandbox also takes away top-level navigation (a page
 * can't replace Kiln) and plugins. Pop-ups may open (links with target=_blank) but stay
 * sandboxed on the artifact's origin.
 */
export const ARTIFACT_FRAME_SANDBOX = 'allow-scripts allow-forms allow-same-origin allow-popups allow-modals allow-downloads';
