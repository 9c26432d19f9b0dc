import { z } from 'zod';
import { defineEndpoint, defineEvent } from './core';

/**
 * App settings, stored as validated JSON in the user-data folder. Every section is a strict
 * object, so a misspelt or unknown key is rejected rather than silently kept. Secrets never
 * live here: API keys and passwords go to the OS keychain (see the vault).
 *
 * Each section is declared once as field schemas plus defaults. The stored/full form fills
 * missing keys from the defaults; the patch form has no defaults at all, so a patch that
 * names one key changes exactly that key (zod 4 would otherwise apply defaults inside
 * `.partial()` and reset the section's other keys).
 */
export const DEFAULT_PUBLISH_URL = 'https://view.mindshub.ai';

/** Settings → Python & Backends → "Isolate apps" (docs/security.md). */
export const isolationModes = ['prefer', 'require', 'off'] as const;

export const providerPresets = ['openai', 'ollama', 'lmstudio', 'openrouter', 'custom'] as const;

function section<S extends z.ZodRawShape>(shape: S, defaults: z.infer<z.ZodObject<S>>) {
  const strict = z.object(shape).strict();
  return {
    // A missing section, or a section missing keys (a file from an older Kiln), takes the defaults.
    full: z.preprocess((v) => (v === undefined ? { ...defaults } : v && typeof v === 'object' && !Array.isArray(v) ? { ...defaults, ...v } : v), strict),
    patch: strict.partial().strict().optional(),
  };
}

const appearance = section({ theme: z.enum(['system', 'light', 'dark']) }, { theme: 'system' });

const workspace = section(
  {
    /** Absolute folder; null means the default `~/Kiln`. */
    path: z.string().min(1).max(4096).nullable(),
  },
  { path: null },
);

const provider = section(
  {
    preset: z.enum(providerPresets),
    baseUrl: z.string().max(2048),
    model: z.string().max(256),
  },
  { preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: '' },
);

const publish = section(
  {
    url: z.string().max(2048),
    maxBundleMB: z.number().int().min(1).max(2048),
  },
  { url: DEFAULT_PUBLISH_URL, maxBundleMB: 50 },
);

const python = section(
  {
    /** Interpreter path; empty means KILN_PYTHON, then discovery. */
    interpreter: z.string().max(4096),
    systemSitePackages: z.boolean(),
    pipArgs: z.array(z.string().max(512)).max(64),
    installTimeoutSec: z.number().int().min(5).max(3600),
    /** Run backends, pip and the scratchpad in the OS sandbox: where available (prefer), always (require), never (off). */
    isolateApps: z.enum(isolationModes),
  },
  { interpreter: '', systemSitePackages: false, pipArgs: [], installTimeoutSec: 600, isolateApps: 'prefer' },
);

const backends = section(
  {
    readyTimeoutSec: z.number().int().min(1).max(600),
    maxRunning: z.number().int().min(1).max(64),
    idleStopMinutes: z.number().int().min(0).max(24 * 60),
  },
  { readyTimeoutSec: 20, maxRunning: 8, idleStopMinutes: 30 },
);

const ui = section(
  {
    firstRunDone: z.boolean(),
    /** Pane sizes in pixels, remembered across restarts. */
    sidebarWidth: z.number().int().min(120).max(800),
    previewWidth: z.number().int().min(200).max(2400),
    previewOpen: z.boolean(),
  },
  { firstRunDone: false, sidebarWidth: 260, previewWidth: 560, previewOpen: true },
);

/** Checkpoint retention (docs/checkpoints.md): younger than `retentionDays` or among the last `keepLast` are kept. */
const history = section(
  {
    retentionDays: z.number().int().min(1).max(3650),
    keepLast: z.number().int().min(1).max(10_000),
    maxMB: z.number().int().min(10).max(100_000),
  },
  { retentionDays: 30, keepLast: 50, maxMB: 500 },
);

const sections = { appearance, workspace, provider, publish, python, backends, ui, history };

export const settingsSchema = z
  .object({
    appearance: sections.appearance.full,
    workspace: sections.workspace.full,
    provider: sections.provider.full,
    publish: sections.publish.full,
    python: sections.python.full,
    backends: sections.backends.full,
    ui: sections.ui.full,
    history: sections.history.full,
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

/** A patch names whole sections; inside a section only the given keys change. */
export const settingsPatchSchema = z
  .object({
    appearance: sections.appearance.patch,
    workspace: sections.workspace.patch,
    provider: sections.provider.patch,
    publish: sections.publish.patch,
    python: sections.python.patch,
    backends: sections.backends.patch,
    ui: sections.ui.patch,
    history: sections.history.patch,
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
