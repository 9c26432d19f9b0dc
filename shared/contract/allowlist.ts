import { allowlistChannels, allowlistEvents } from './allowlist-names';

/**
 * The preload's allowlist, derived from the contract (never written by hand): the renderer
 * may invoke exactly the contract's endpoints and hear exactly its events.
 */
export const allowedChannels: ReadonlySet<string> = new Set(allowlistChannels);
export const allowedEvents: ReadonlySet<string> = new Set(allowlistEvents);

/** The one IPC channel main uses to push contract events to the window. */
export const EVENT_CHANNEL = 'kiln:event';

/** Origin of the app's own page in the Electron window (custom protocol, see electron/platform/protocol.ts). */
export const APP_ORIGIN = 'app://kiln';
