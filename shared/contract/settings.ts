import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';

/**
 * App settings, stored as validated JSON in the user-data folder. Every section is a strict
 * object, so a misspelt or unknown key is rejected rather than silently kept. Secrets never
 * live here: API keys and passwords go to the OS keychain (see the vault).
 */
export const DEFAULT_PUBLISH_URL = 'https://view.mindshub.ai';

export const providerPresets = ['openai', 'ollama', 'lmstudio', 'openrouter', 'custom'] as const;

const appearance = z
  .object({ theme: z.enum(['system', 'light', 'dark']).default('system') })
  .strict();

const workspace = z
  .object({
    /** Absolute folder; null means the default `~/Kiln`. */
    path: z.string().min(1).max(4096).nullable().default(null),
  })
  .strict();

const provider = z
  .object({
    preset: z.enum(providerPresets).default('openai'),
    baseUrl: z.string().max(2048).default('https://api.openai.com/v1'),
    model: z.string().max(256).default(''),
  })
  .strict();

const publish = z
  .object({
    url: z.string().max(2048).default(DEFAULT_PUBLISH_URL),
    maxBundleMB: z.number().int().min(1).max(2048).default(50),
  })
  .strict();

const python = z
  .object({
    /** Interpreter path; empty means KILN_PYTHON, then discovery. */
    interpreter: z.string().max(4096).default(''),
    systemSitePackages: z.boolean().default(false),
    pipArgs: z.array(z.string().max(512)).max(64).default([]),
    installTimeoutSec: z.number().int().min(5).max(3600).default(600),
  })
  .strict();

const backends = z
  .object({
    readyTimeoutSec: z.number().int().min(1).max(600).default(20),
    maxRunning: z.number().int().min(1).max(64).default(8),
    idleStopMinutes: z.number().int().min(0).max(24 * 60).default(30),
  })
  .strict();

const ui = z
  .object({
    firstRunDone: z.boolean().default(false),
    /** Pane sizes in pixels, remembered across restarts. */
    sidebarWidth: z.number().int().min(120).max(800).default(260),
    previewWidth: z.number().int().min(200).max(2400).default(560),
    previewOpen: z.boolean().default(true),
  })
  .strict();

export const settingsSchema = z
  .object({
    appearance: appearance.default(appearance.parse({})),
    workspace: workspace.default(workspace.parse({})),
    provider: provider.default(provider.parse({})),
    publish: publish.default(publish.parse({})),
    python: python.default(python.parse({})),
    backends: backends.default(backends.parse({})),
    ui: ui.default(ui.parse({})),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

/** A patch names whole sections; inside a section only the given keys change. */
export const settingsPatchSchema = z
  .object({
    appearance: appearance.partial().strict().optional(),
    workspace: workspace.partial().strict().optional(),
    provider: provider.partial().strict().optional(),
    publish: publish.partial().strict().optional(),
    python: python.partial().strict().optional(),
    backends: backends.partial().strict().optional(),
    ui: ui.partial().strict().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const settingsEndpoints = {
  'settings.get': defineEndpoint('settings.get', { input: z.void(), output: settingsSchema }),
  'settings.update': defineEndpoint('settings.update', { input: settingsPatchSchema, output: settingsSchema }),
};

export const settingsEvents = {
  'settings.changed': defineEvent('settings.changed', settingsSchema),
};
