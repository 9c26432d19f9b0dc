import type { ProviderSettings } from './ports';

export const DEFAULT_PROVIDER_BASE_URL = 'https://api.openai.com/v1';

/**
 * Which endpoint, model and key a turn uses. Settings win; when they are empty (or still the
 * stock OpenAI URL) the start-up environment fills in — `OPENAI_BASE_URL`, `KILN_MODEL` — so a
 * headless web host can be pointed at a server without touching settings.json.
 */
export function resolveProvider(
  settings: { baseUrl: string; model: string },
  env: NodeJS.ProcessEnv,
  apiKey: string | null,
): ProviderSettings {
  const fromSettings = settings.baseUrl.trim();
  const envUrl = env.OPENAI_BASE_URL?.trim();
  const baseUrl = (!fromSettings || fromSettings === DEFAULT_PROVIDER_BASE_URL) && envUrl ? envUrl : fromSettings || DEFAULT_PROVIDER_BASE_URL;
  const model = settings.model.trim() || env.KILN_MODEL?.trim() || '';
  return { baseUrl, model, apiKey: apiKey ?? '' };
}
