import { channelNames, eventNames } from './index';

/**
 * The names the preload lets through, derived from the contract. The build replaces this
 * module, in the preload bundle only, with the same two lists as literals (scripts/build.mjs),
 * so the preload is a few KB instead of carrying zod and the whole contract.
 */
export const allowlistChannels: readonly string[] = channelNames;
export const allowlistEvents: readonly string[] = eventNames;
