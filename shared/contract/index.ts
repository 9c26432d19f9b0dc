import type { z } from 'zod';
import { appEndpoints, appEvents } from './app';
import { settingsEndpoints, settingsEvents } from './settings';
import { diagnosticsEndpoints } from './diagnostics';
import { vaultEndpoints, vaultEvents } from './vault';
import { datasourcesEndpoints } from './datasources';
import { providerEndpoints } from './provider';
import { artifactsEndpoints, artifactsEvents } from './artifacts';
import { previewEndpoints, previewEvents } from './preview';
import { publishEndpoints, publishEvents } from './publish';
import { deployEndpoints, deployEvents } from './deploy';
import { backendsEndpoints, backendsEvents } from './backends';
import { chatEndpoints, chatEvents } from './chat';
import { mcpEndpoints, mcpEvents } from './mcp';
import { historyEndpoints, historyEvents } from './history';
import { grantsEndpoints } from './grants';

/**
 * The whole contract. Each domain adds its endpoints and events here, once; the router,
 * the preload allowlist and the renderer client follow from these two objects.
 */
export const endpoints = {
  ...chatEndpoints,
  ...appEndpoints,
  ...settingsEndpoints,
  ...diagnosticsEndpoints,
  ...vaultEndpoints,
  ...datasourcesEndpoints,
  ...providerEndpoints,
  ...artifactsEndpoints,
  ...previewEndpoints,
  ...publishEndpoints,
  ...deployEndpoints,
  ...backendsEndpoints,
  ...mcpEndpoints,
  ...historyEndpoints,
  ...grantsEndpoints,
};

export const events = {
  ...chatEvents,
  ...appEvents,
  ...settingsEvents,
  ...vaultEvents,
  ...artifactsEvents,
  ...previewEvents,
  ...publishEvents,
  ...deployEvents,
  ...backendsEvents,
  ...mcpEvents,
  ...historyEvents,
};

export type Endpoints = typeof endpoints;
export type Channel = keyof Endpoints;
export type EndpointInput<C extends Channel> = z.input<Endpoints[C]['input']>;
export type EndpointParsedInput<C extends Channel> = z.output<Endpoints[C]['input']>;
export type EndpointOutput<C extends Channel> = z.output<Endpoints[C]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const channelNames = Object.keys(endpoints) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

export { KilnError, isKilnError, describeZodError, errorCodes, errorReasons } from './core';
export type { IpcError, IpcResult, ErrorCode, ErrorReason } from './core';
